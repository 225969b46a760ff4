// Host side. Writes a cpio archive in the "newc" format (SVR4 with no CRC), the format the Linux
// kernel unpacks an initramfs from (Documentation/driver-api/early-userspace/buffer-format.rst):
// per entry a 110-byte ASCII header of 8-digit hex fields, the NUL-terminated name padded to 4
// bytes, the data padded to 4 bytes; the archive ends with the entry "TRAILER!!!".
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace BareVisor.LinuxGuest;

public sealed class CpioWriter
{
    public const string Magic = "070701";
    public const string Trailer = "TRAILER!!!";

    // File types in the mode field, as in <sys/stat.h>.
    public const uint TypeDirectory = 0x4000;
    public const uint TypeCharacterDevice = 0x2000;
    public const uint TypeRegularFile = 0x8000;
    public const uint TypeSymbolicLink = 0xA000;

    private readonly Stream output;
    private readonly HashSet<string> names = new(StringComparer.Ordinal);
    private long position;
    private uint nextInode = 1;
    private bool finished;

    public CpioWriter(Stream output) => this.output = output ?? throw new ArgumentNullException(nameof(output));

    /// <summary>Modification time of every entry (seconds since 1970); fixed, so that archives are reproducible.</summary>
    public uint ModificationTime { get; init; }

    public void Directory(string path, uint permissions = 0x1ED /* 0755 */) =>
        Entry(path, TypeDirectory | permissions, ReadOnlySpan<byte>.Empty, links: 2);

    public void File(string path, ReadOnlySpan<byte> contents, uint permissions = 0x1A4 /* 0644 */) =>
        Entry(path, TypeRegularFile | permissions, contents);

    public void File(string path, string text, uint permissions = 0x1A4 /* 0644 */) =>
        File(path, Encoding.UTF8.GetBytes(text), permissions);

    /// <summary>A symbolic link at <paramref name="path"/> whose target is <paramref name="target"/>.</summary>
    public void SymbolicLink(string path, string target) =>
        Entry(path, TypeSymbolicLink | 0x1FF /* 0777 */, Encoding.UTF8.GetBytes(target));

    public void CharacterDevice(string path, uint major, uint minor, uint permissions) =>
        Entry(path, TypeCharacterDevice | permissions, ReadOnlySpan<byte>.Empty, deviceMajor: major, deviceMinor: minor);

    /// <summary>Writes the trailer; nothing can be added afterwards.</summary>
    public void Finish()
    {
        if (finished)
            return;
        WriteEntry(Trailer, 0, ReadOnlySpan<byte>.Empty, inode: 0, links: 1, deviceMajor: 0, deviceMinor: 0);
        finished = true;
    }

    private void Entry(string path, uint mode, ReadOnlySpan<byte> data, uint links = 1, uint deviceMajor = 0, uint deviceMinor = 0)
    {
        if (finished)
            throw new InvalidOperationException("the archive is finished");
        string name = CheckName(path);
        if (!names.Add(name))
            throw new ArgumentException($"'{name}' is already in the archive", nameof(path));
        WriteEntry(name, mode, data, nextInode++, links, deviceMajor, deviceMinor);
    }

    // Names are relative ("bin/busybox"), as cpio archives made with find | cpio are; the kernel
    // takes them relative to the root either way.
    private static string CheckName(string path)
    {
        string name = (path ?? "").TrimStart('/');
        if (name.Length == 0 || name == Trailer || name.EndsWith('/') || name.Contains("//", StringComparison.Ordinal)
            || name.Contains('\0') || Array.Exists(name.Split('/'), part => part is "." or ".."))
            throw new ArgumentException($"'{path}' is not a usable path in an archive", nameof(path));
        return name;
    }

    private void WriteEntry(string name, uint mode, ReadOnlySpan<byte> data, uint inode, uint links, uint deviceMajor, uint deviceMinor)
    {
        byte[] nameBytes = Encoding.UTF8.GetBytes(name + "\0");
        var header = new StringBuilder(110);
        header.Append(Magic);
        foreach (uint field in new[]
                 {
                     inode, mode, 0u /* uid */, 0u /* gid */, links, ModificationTime, (uint)data.Length,
                     0u, 0u /* device of the archived file */, deviceMajor, deviceMinor, (uint)nameBytes.Length, 0u /* check */,
                 })
            header.Append(field.ToString("x8"));
        Write(Encoding.ASCII.GetBytes(header.ToString()));
        Write(nameBytes);
        Pad();
        Write(data);
        Pad();
    }

    private void Write(ReadOnlySpan<byte> bytes)
    {
        output.Write(bytes);
        position += bytes.Length;
    }

    private void Pad()
    {
        int padding = (int)((4 - position % 4) % 4);
        Write(new byte[padding]);
    }
}
