// Host side. Checks that a file is a BareVisor kernel the loaders can start: an ELF file with a
// Multiboot2 header (GRUB, BIOS and UEFI) and a Multiboot1 header (iPXE, QEMU -kernel).
using System;
using System.Buffers.Binary;
using System.IO;

namespace BareVisor.ImageTool;

public static class KernelImage
{
    private const uint Multiboot1Magic = 0x1BADB002;
    private const uint Multiboot2Magic = 0xE85250D6;

    /// <summary>Where each loader looks for its header (the specifications' limits).</summary>
    private const int Multiboot1SearchBytes = 8192;
    private const int Multiboot2SearchBytes = 32768;

    /// <summary>Throws naming what is wrong; needMultiboot1 for media that boot through iPXE.</summary>
    public static void Check(string path, bool needMultiboot1)
    {
        if (!File.Exists(path))
            throw new ImageToolException($"kernel '{path}' not found; build it with `dotnet pwsh build.ps1` or pass --kernel");
        byte[] head = ReadHead(path, Multiboot2SearchBytes);
        if (head.Length < 4 || head[0] != 0x7F || head[1] != (byte)'E' || head[2] != (byte)'L' || head[3] != (byte)'F')
            throw new ImageToolException($"kernel '{path}' is not an ELF file; pass BareVisor's artifacts/barevisor.elf");
        if (!HasMultiboot2Header(head))
            throw new ImageToolException($"kernel '{path}' has no Multiboot2 header in its first 32 KiB; GRUB could not boot it");
        if (needMultiboot1 && !HasMultiboot1Header(head))
            throw new ImageToolException($"kernel '{path}' has no Multiboot1 header in its first 8 KiB; iPXE could not boot it");
    }

    public static bool HasMultiboot2Header(ReadOnlySpan<byte> head)
    {
        for (int at = 0; at + 16 <= Math.Min(head.Length, Multiboot2SearchBytes); at += 8)
        {
            uint magic = BinaryPrimitives.ReadUInt32LittleEndian(head[at..]);
            uint architecture = BinaryPrimitives.ReadUInt32LittleEndian(head[(at + 4)..]);
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(head[(at + 8)..]);
            uint checksum = BinaryPrimitives.ReadUInt32LittleEndian(head[(at + 12)..]);
            if (magic == Multiboot2Magic && unchecked(magic + architecture + length + checksum) == 0)
                return true;
        }
        return false;
    }

    public static bool HasMultiboot1Header(ReadOnlySpan<byte> head)
    {
        for (int at = 0; at + 12 <= Math.Min(head.Length, Multiboot1SearchBytes); at += 4)
        {
            uint magic = BinaryPrimitives.ReadUInt32LittleEndian(head[at..]);
            uint flags = BinaryPrimitives.ReadUInt32LittleEndian(head[(at + 4)..]);
            uint checksum = BinaryPrimitives.ReadUInt32LittleEndian(head[(at + 8)..]);
            if (magic == Multiboot1Magic && unchecked(magic + flags + checksum) == 0)
                return true;
        }
        return false;
    }

    private static byte[] ReadHead(string path, int length)
    {
        using var stream = File.OpenRead(path);
        byte[] buffer = new byte[Math.Min(length, stream.Length)];
        stream.ReadExactly(buffer);
        return buffer;
    }
}
