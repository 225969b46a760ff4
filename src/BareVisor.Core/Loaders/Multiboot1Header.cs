// Pure logic; no hardware. Finds and checks the header of a Multiboot (0.6.96) kernel, section 3.1:
// 4-byte aligned within the first 8192 bytes, magic + flags + checksum = 0. Runs at guest set-up.
using System;
using System.Buffers.Binary;

namespace BareVisor.Core.Loaders
{
    public sealed class Multiboot1Header
    {
        public const uint Magic = 0x1BADB002;
        public const uint BootloaderMagic = 0x2BADB002;
        public const int SearchLimit = 8192;

        public const uint FlagPageAlignModules = 1u << 0;
        public const uint FlagMemoryInfo = 1u << 1;
        public const uint FlagVideoMode = 1u << 2;
        public const uint FlagAddresses = 1u << 16;

        private const uint RequirementBits = 0xFFFF;
        private const uint HonouredRequirements = FlagPageAlignModules | FlagMemoryInfo | FlagVideoMode;
        private const int FixedSize = 12;      // magic, flags, checksum
        private const int AddressesSize = 32;  // through entry_addr

        public int Offset;
        public uint Flags;
        public bool HasAddresses;
        public KludgeAddresses Addresses;

        public bool WantsVideoMode => (Flags & FlagVideoMode) != 0;

        public static bool IsPresent(ReadOnlySpan<byte> image) => FindOffset(image, out _) >= 0;

        public static bool TryFind(ReadOnlySpan<byte> image, out Multiboot1Header header, out string error)
        {
            header = null;
            int offset = FindOffset(image, out int badChecksumAt);
            if (offset < 0 && badChecksumAt >= 0)
                return LoaderText.Fail("Multiboot1: the header at " + LoaderText.Hex((ulong)badChecksumAt)
                    + " has a bad checksum (magic + flags + checksum must be 0)", out error);
            if (offset < 0)
                return LoaderText.Fail("Multiboot1: no header (magic 0x1badb002, 4-byte aligned) in the first 8192 bytes", out error);
            Multiboot1Header h = new Multiboot1Header { Offset = offset };
            h.Flags = BinaryPrimitives.ReadUInt32LittleEndian(image.Slice(offset + 4));
            uint unknown = h.Flags & RequirementBits & ~HonouredRequirements;
            if (unknown != 0)
                return LoaderText.Fail("Multiboot1: flags bit " + LoaderText.Dec(LowestBit(unknown))
                    + " asks for something this loader does not know (flags " + LoaderText.Hex(h.Flags) + ")", out error);
            h.HasAddresses = (h.Flags & FlagAddresses) != 0;
            if (h.HasAddresses)
            {
                if (offset + AddressesSize > image.Length)
                    return LoaderText.Fail("Multiboot1: the header at " + LoaderText.Hex((ulong)offset)
                        + " sets flags bit 16 but the file ends before its address fields", out error);
                ReadOnlySpan<byte> fields = image.Slice(offset + FixedSize);
                h.Addresses.HeaderAddr = BinaryPrimitives.ReadUInt32LittleEndian(fields);
                h.Addresses.LoadAddr = BinaryPrimitives.ReadUInt32LittleEndian(fields.Slice(4));
                h.Addresses.LoadEndAddr = BinaryPrimitives.ReadUInt32LittleEndian(fields.Slice(8));
                h.Addresses.BssEndAddr = BinaryPrimitives.ReadUInt32LittleEndian(fields.Slice(12));
                h.Addresses.EntryAddr = BinaryPrimitives.ReadUInt32LittleEndian(fields.Slice(16));
                if (h.Addresses.LoadAddr == KludgeLayout.FromFileStart)
                    return LoaderText.Fail("Multiboot1: load_addr 0xffffffff is a Multiboot2 convention, not valid here", out error);
            }
            header = h;
            error = null;
            return true;
        }

        // The first offset with the magic and a good checksum, or -1 (then badChecksumAt is the
        // first offset with the magic alone, or -1).
        private static int FindOffset(ReadOnlySpan<byte> image, out int badChecksumAt)
        {
            badChecksumAt = -1;
            int limit = Math.Min(image.Length, SearchLimit);
            for (int offset = 0; offset + FixedSize <= limit; offset += 4)
            {
                uint magic = BinaryPrimitives.ReadUInt32LittleEndian(image.Slice(offset));
                if (magic != Magic)
                    continue;
                uint flags = BinaryPrimitives.ReadUInt32LittleEndian(image.Slice(offset + 4));
                uint checksum = BinaryPrimitives.ReadUInt32LittleEndian(image.Slice(offset + 8));
                if (magic + flags + checksum == 0)
                    return offset;
                if (badChecksumAt < 0)
                    badChecksumAt = offset;
            }
            return -1;
        }

        private static ulong LowestBit(uint value)
        {
            ulong bit = 0;
            while ((value & 1) == 0)
            {
                value >>= 1;
                bit++;
            }
            return bit;
        }
    }
}
