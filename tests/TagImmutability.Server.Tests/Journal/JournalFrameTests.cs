using System.Text;
using TagImmutability.Server.Journal;

namespace TagImmutability.Server.Tests.Journal;

public sealed class JournalFrameTests
{
    [Fact]
    public void A_frame_decodes_to_its_payload()
    {
        byte[] payload = Encoding.UTF8.GetBytes("{\"op\":\"ecr\"}");
        byte[] frame = JournalFrame.Encode(payload);

        Assert.Equal(FrameStatus.Valid, JournalFrame.TryDecode(frame, out Range range, out int length));
        Assert.Equal(payload, frame[range]);
        Assert.Equal(payload.Length + JournalFrame.Overhead, length);
    }

    [Fact]
    public void An_empty_payload_is_a_valid_frame()
    {
        byte[] frame = JournalFrame.Encode([]);

        Assert.Equal(FrameStatus.Valid, JournalFrame.TryDecode(frame, out Range range, out _));
        Assert.Empty(frame[range]);
    }

    [Fact]
    public void Every_proper_prefix_of_a_frame_is_truncated_and_holds_no_valid_frame()
    {
        byte[] frame = JournalFrame.Encode(Encoding.UTF8.GetBytes("{\"op\":\"linkBlob\",\"repository\":\"app\"}"));
        for (int cut = 1; cut < frame.Length; cut++)
        {
            FrameStatus status = JournalFrame.TryDecode(frame.AsSpan(0, cut), out _, out _);
            Assert.True(status == FrameStatus.Truncated, $"prefix of {cut} bytes: {status}");
            Assert.False(JournalFrame.ContainsValidFrame(frame.AsSpan(0, cut)));
        }
    }

    [Fact]
    public void Zeros_where_a_frame_should_be_are_not_a_frame()
    {
        Assert.Equal(FrameStatus.BadMarker, JournalFrame.TryDecode(new byte[64], out _, out _));
    }

    [Fact]
    public void A_changed_payload_byte_fails_the_checksum()
    {
        byte[] frame = JournalFrame.Encode(Encoding.UTF8.GetBytes("{\"op\":\"ecr\",\"target\":\"PutImage\"}"));
        for (int at = JournalFrame.HeaderLength; at < frame.Length; at++)
        {
            byte[] damaged = (byte[])frame.Clone();
            damaged[at] ^= 0x01;
            Assert.Equal(FrameStatus.BadChecksum, JournalFrame.TryDecode(damaged, out _, out _));
        }
    }

    [Fact]
    public void A_length_beyond_the_limit_is_refused_before_any_read()
    {
        byte[] frame = JournalFrame.Encode([1, 2, 3]);
        frame[7] = 0x7F;

        Assert.Equal(FrameStatus.BadLength, JournalFrame.TryDecode(frame, out _, out _));
    }

    [Fact]
    public void A_valid_frame_after_damage_is_found()
    {
        byte[] first = JournalFrame.Encode([1, 2, 3]);
        first[^1] ^= 0xFF;
        byte[] second = JournalFrame.Encode([4, 5]);

        Assert.True(JournalFrame.ContainsValidFrame([.. first, .. second]));
        Assert.False(JournalFrame.ContainsValidFrame(first));
    }
}
