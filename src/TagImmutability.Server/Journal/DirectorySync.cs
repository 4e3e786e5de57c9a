using System.Runtime.InteropServices;

namespace TagImmutability.Server.Journal;

/// <summary>
/// Makes a directory's entries durable: after a file is created, renamed into or deleted from a directory, the
/// change reaches the disk only when the directory itself is flushed (POSIX <c>fsync</c> on the directory). .NET has
/// no API for it, so this calls the C library on Linux and macOS. On Windows, NTFS journals its metadata and a
/// rename is durable once <c>MoveFileEx</c> returns with the file flushed; there this does nothing.
/// </summary>
/// <remarks><b>Thread safety:</b> stateless; safe from any thread.</remarks>
internal static partial class DirectorySync
{
    private const int ReadOnly = 0;

    /// <summary>Flushes <paramref name="directory"/>'s entries to disk.</summary>
    /// <exception cref="IOException">The directory cannot be opened or flushed (the message names the error number).</exception>
    public static void Flush(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        int handle = Open(directory, ReadOnly);
        if (handle < 0)
        {
            throw new IOException($"cannot open the directory '{directory}' to flush it (errno {Marshal.GetLastPInvokeError()})");
        }

        try
        {
            if (FileSync(handle) != 0)
            {
                throw new IOException($"cannot flush the directory '{directory}' to disk (errno {Marshal.GetLastPInvokeError()})");
            }
        }
        finally
        {
            _ = Close(handle);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FileSync(int descriptor);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int descriptor);
}
