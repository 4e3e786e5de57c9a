using System.Buffers.Binary;
using System.Security.Cryptography;

namespace TagImmutability.Server.Journal;

/// <summary>
/// The on-disk form of one journal record (and of each part of a state snapshot): a 4-byte marker
/// <c>FF 54 4A 31</c>, the payload's length in bytes (unsigned 32-bit little-endian), the payload, and a 16-byte
/// checksum (the first 16 bytes of SHA-256 over the length field and the payload).
/// </summary>
/// <remarks>
/// The marker's first byte, <c>0xFF</c>, never occurs in UTF-8, so a frame can never be found inside a JSON payload:
/// a scan for a valid frame after a damaged one cannot be fooled by a record's content. A frame is written with one
/// write call; a crash may leave any prefix of it (or, after a power failure, a prefix followed by zeros), which the
/// length and the checksum both reject.
/// <para><b>Thread safety:</b> stateless; safe from any thread.</para>
/// </remarks>
internal static class JournalFrame
{
    /// <summary>The bytes before the payload: the marker and the length.</summary>
    public const int HeaderLength = 8;

    /// <summary>The bytes after the payload: the truncated SHA-256.</summary>
    public const int ChecksumLength = 16;

    /// <summary>The bytes a frame adds to its payload.</summary>
    public const int Overhead = HeaderLength + ChecksumLength;

    /// <summary>
    /// The largest payload, in bytes: 256 MiB. A record holds at most one ECR request body (25 MiB for ECR's 4 MiB
    /// manifests) in base64; a snapshot part may be larger, and is read from a file that was renamed into place whole.
    /// </summary>
    public const int MaxPayloadLength = 256 << 20;

    private static ReadOnlySpan<byte> Marker => [0xFF, 0x54, 0x4A, 0x31];

    /// <summary>The frame holding <paramref name="payload"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The payload is longer than <see cref="MaxPayloadLength"/>.</exception>
    public static byte[] Encode(ReadOnlySpan<byte> payload)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(payload.Length, MaxPayloadLength, nameof(payload));
        byte[] frame = new byte[payload.Length + Overhead];
        Marker.CopyTo(frame);
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(4), (uint)payload.Length);
        payload.CopyTo(frame.AsSpan(HeaderLength));
        Checksum(frame.AsSpan(4, 4 + payload.Length), frame.AsSpan(HeaderLength + payload.Length, ChecksumLength));
        return frame;
    }

    /// <summary>
    /// Reads the frame at the start of <paramref name="data"/>: its payload and its whole length, or why it is not a
    /// complete, valid frame.
    /// </summary>
    public static FrameStatus TryDecode(ReadOnlySpan<byte> data, out Range payload, out int frameLength)
    {
        payload = default;
        frameLength = 0;
        if (data.Length < HeaderLength)
        {
            return data.Length == 0 ? FrameStatus.End : FrameStatus.Truncated;
        }

        if (!data[..4].SequenceEqual(Marker))
        {
            return FrameStatus.BadMarker;
        }

        uint length = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
        if (length > MaxPayloadLength)
        {
            return FrameStatus.BadLength;
        }

        int total = (int)length + Overhead;
        if (data.Length < total)
        {
            return FrameStatus.Truncated;
        }

        Span<byte> expected = stackalloc byte[ChecksumLength];
        Checksum(data.Slice(4, 4 + (int)length), expected);
        if (!expected.SequenceEqual(data.Slice(HeaderLength + (int)length, ChecksumLength)))
        {
            return FrameStatus.BadChecksum;
        }

        payload = new Range(HeaderLength, HeaderLength + (int)length);
        frameLength = total;
        return FrameStatus.Valid;
    }

    /// <summary>Whether a complete, valid frame starts at any offset of <paramref name="data"/> (a marker is looked for at every byte).</summary>
    public static bool ContainsValidFrame(ReadOnlySpan<byte> data)
    {
        int offset = 0;
        while (offset < data.Length)
        {
            int found = data[offset..].IndexOf(Marker);
            if (found < 0)
            {
                return false;
            }

            if (TryDecode(data[(offset + found)..], out _, out _) == FrameStatus.Valid)
            {
                return true;
            }

            offset += found + 1;
        }

        return false;
    }

    private static void Checksum(ReadOnlySpan<byte> lengthAndPayload, Span<byte> destination)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(lengthAndPayload, hash);
        hash[..ChecksumLength].CopyTo(destination);
    }
}

/// <summary>What <see cref="JournalFrame.TryDecode"/> found.</summary>
internal enum FrameStatus
{
    /// <summary>A complete frame whose checksum matches.</summary>
    Valid,

    /// <summary>No bytes at all: the end of the file.</summary>
    End,

    /// <summary>Fewer bytes than the header or than the length the header declares.</summary>
    Truncated,

    /// <summary>The bytes do not start with the marker.</summary>
    BadMarker,

    /// <summary>The declared length is beyond <see cref="JournalFrame.MaxPayloadLength"/>.</summary>
    BadLength,

    /// <summary>The checksum does not match the length and payload.</summary>
    BadChecksum,
}
