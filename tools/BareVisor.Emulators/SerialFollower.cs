// Host side. Follows serial.log, which the harness's serial line (SerialLink) appends to as the
// emulator's bytes arrive, so a run can end as soon as the kernel's last line is there.
using System.IO;
using System.Text;

namespace BareVisor.Emulators;

internal sealed class SerialFollower
{
    private readonly string path;
    private readonly StringBuilder text = new();
    // Keeps a multi-byte UTF-8 character that is split across two reads intact.
    private readonly Decoder decoder = Encoding.UTF8.GetDecoder();
    private readonly byte[] buffer = new byte[16 * 1024];
    private long offset;

    public SerialFollower(string path) => this.path = path;

    public string Text => text.ToString();

    /// <summary>Reads what was appended since the last call; returns it (empty if nothing).</summary>
    public string ReadNew()
    {
        if (!File.Exists(path))
            return "";
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        stream.Seek(offset, SeekOrigin.Begin);
        var added = new StringBuilder();
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            offset += read;
            var chars = new char[decoder.GetCharCount(buffer, 0, read)];
            decoder.GetChars(buffer, 0, read, chars, 0);
            added.Append(chars);
        }
        text.Append(added);
        return added.ToString();
    }
}
