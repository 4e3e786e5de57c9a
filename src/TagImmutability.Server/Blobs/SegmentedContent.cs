namespace TagImmutability.Server.Blobs;

/// <summary>
/// Immutable blob bytes held in memory as a list of segments (every segment but the last is
/// <see cref="SegmentSize"/> bytes), so that a blob of any size is stored without one huge array and without copying
/// it again when the upload commits.
/// </summary>
internal sealed class SegmentedContent
{
    /// <summary>64 KiB: below the large object heap threshold, large enough for few segments per layer.</summary>
    public const int SegmentSize = 64 * 1024;

    public SegmentedContent(byte[][] segments, long length)
    {
        Segments = segments;
        Length = length;
    }

    public byte[][] Segments { get; }

    public long Length { get; }

    public Stream OpenRead() => new SegmentedReadStream(this);

    /// <summary>A seekable, read-only view of the segments.</summary>
    private sealed class SegmentedReadStream : Stream
    {
        private readonly SegmentedContent _content;
        private long _position;

        public SegmentedReadStream(SegmentedContent content) => _content = content;

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => _content.Length;

        public override long Position
        {
            get => _position;
            set => _position = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "the position must not be negative");
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int total = 0;
            while (buffer.Length > 0 && _position < _content.Length)
            {
                int index = (int)(_position / SegmentSize);
                int within = (int)(_position % SegmentSize);
                byte[] segment = _content.Segments[index];
                int available = (int)Math.Min(segment.Length - within, _content.Length - _position);
                int count = Math.Min(available, buffer.Length);
                segment.AsSpan(within, count).CopyTo(buffer);
                buffer = buffer[count..];
                _position += count;
                total += count;
            }

            return total;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override long Seek(long offset, SeekOrigin origin)
        {
            Position = origin switch
            {
                SeekOrigin.Begin => offset,
                SeekOrigin.Current => _position + offset,
                SeekOrigin.End => _content.Length + offset,
                _ => throw new ArgumentOutOfRangeException(nameof(origin), origin, "unknown seek origin"),
            };
            return _position;
        }

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException("blob content is read-only");

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("blob content is read-only");
    }
}
