// Pure logic; no hardware. Finds and checks the header of a Multiboot2 kernel (Multiboot2 spec,
// section 3.1): 8-byte aligned within the first 32768 bytes, then its tags. Runs at guest set-up.
using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace BareVisor.Core.Loaders
{
    public sealed class Multiboot2Header
    {
        public const uint Magic = 0xE85250D6;
        public const uint BootloaderMagic = 0x36D76289;
        public const int SearchLimit = 32768;
        public const uint ArchitectureI386 = 0;

        public const ushort TagEnd = 0, TagInformationRequest = 1, TagAddress = 2, TagEntryAddress = 3;
        public const ushort TagConsoleFlags = 4, TagFramebuffer = 5, TagModuleAlignment = 6, TagEfiBootServices = 7;
        public const ushort TagEfiI386Entry = 8, TagEfiAmd64Entry = 9, TagRelocatable = 10;
        public const ushort FlagOptional = 1;

        private const int FixedSize = 16;   // magic, architecture, header_length, checksum
        private const int TagHeaderSize = 8; // type, flags, size

        public int Offset;
        public uint HeaderLength;
        public bool HasAddress;
        public KludgeAddresses Addresses;
        public bool HasEntry;
        public uint EntryAddr;

        /// <summary>Information tag types the kernel asked for without the optional flag.</summary>
        public uint[] RequiredInformation = new uint[0];

        /// <summary>Header tags this loader will not honour but may ignore.</summary>
        public string[] Warnings = new string[0];

        public static bool IsPresent(ReadOnlySpan<byte> image) => FindOffset(image, out _) >= 0;

        public static bool TryFind(ReadOnlySpan<byte> image, out Multiboot2Header header, out string error)
        {
            header = null;
            int offset = FindOffset(image, out int badChecksumAt);
            if (offset < 0 && badChecksumAt >= 0)
                return LoaderText.Fail("Multiboot2: the header at " + LoaderText.Hex((ulong)badChecksumAt)
                    + " has a bad checksum (magic + architecture + header_length + checksum must be 0)", out error);
            if (offset < 0)
                return LoaderText.Fail("Multiboot2: no header (magic 0xe85250d6, 8-byte aligned) in the first 32768 bytes", out error);
            Multiboot2Header h = new Multiboot2Header { Offset = offset };
            uint architecture = BinaryPrimitives.ReadUInt32LittleEndian(image.Slice(offset + 4));
            h.HeaderLength = BinaryPrimitives.ReadUInt32LittleEndian(image.Slice(offset + 8));
            if (architecture != ArchitectureI386)
                return LoaderText.Fail("Multiboot2: architecture " + LoaderText.Dec(architecture) + " is not i386 (0)", out error);
            if (h.HeaderLength < FixedSize + TagHeaderSize || (ulong)offset + h.HeaderLength > (ulong)image.Length)
                return LoaderText.Fail("Multiboot2: header_length " + LoaderText.Hex(h.HeaderLength) + " of the header at "
                    + LoaderText.Hex((ulong)offset) + " is too small for an end tag or runs past the end of the file", out error);
            if (!h.TryWalkTags(image.Slice(offset, (int)h.HeaderLength), out error))
                return false;
            header = h;
            return true;
        }

        private bool TryWalkTags(ReadOnlySpan<byte> header, out string error)
        {
            List<uint> required = new List<uint>();
            List<string> warnings = new List<string>();
            int at = FixedSize;
            while (at + TagHeaderSize <= header.Length)
            {
                ushort type = BinaryPrimitives.ReadUInt16LittleEndian(header.Slice(at));
                ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(header.Slice(at + 2));
                uint size = BinaryPrimitives.ReadUInt32LittleEndian(header.Slice(at + 4));
                if (size < TagHeaderSize || size > (uint)(header.Length - at))
                    return LoaderText.Fail(TagText(type, at) + " has size " + LoaderText.Dec(size) + ", outside 8 to the end of header_length", out error);
                if (type == TagEnd)
                {
                    RequiredInformation = required.ToArray();
                    Warnings = warnings.ToArray();
                    error = null;
                    return true;
                }
                bool optional = (flags & FlagOptional) != 0;
                if (!TryTag(header.Slice(at, (int)size), type, optional, at, required, warnings, out error))
                    return false;
                at += (int)((size + 7) & ~7u);
            }
            return LoaderText.Fail("Multiboot2: the header's tags have no end tag (type 0) within header_length", out error);
        }

        private bool TryTag(ReadOnlySpan<byte> tag, ushort type, bool optional, int at, List<uint> required, List<string> warnings, out string error)
        {
            error = null;
            switch (type)
            {
                case TagInformationRequest:
                    for (int i = TagHeaderSize; i + 4 <= tag.Length; i += 4)
                    {
                        if (!optional)
                            required.Add(BinaryPrimitives.ReadUInt32LittleEndian(tag.Slice(i)));
                    }
                    return true;
                case TagAddress:
                    if (tag.Length < TagHeaderSize + 16)
                        return LoaderText.Fail(TagText(type, at) + " (address) is smaller than its 24 bytes", out error);
                    HasAddress = true;
                    Addresses.HeaderAddr = BinaryPrimitives.ReadUInt32LittleEndian(tag.Slice(8));
                    Addresses.LoadAddr = BinaryPrimitives.ReadUInt32LittleEndian(tag.Slice(12));
                    Addresses.LoadEndAddr = BinaryPrimitives.ReadUInt32LittleEndian(tag.Slice(16));
                    Addresses.BssEndAddr = BinaryPrimitives.ReadUInt32LittleEndian(tag.Slice(20));
                    return true;
                case TagEntryAddress:
                    if (tag.Length < TagHeaderSize + 4)
                        return LoaderText.Fail(TagText(type, at) + " (entry address) is smaller than its 12 bytes", out error);
                    HasEntry = true;
                    EntryAddr = BinaryPrimitives.ReadUInt32LittleEndian(tag.Slice(8));
                    return true;
                case TagConsoleFlags:
                    if (tag.Length >= TagHeaderSize + 4 && (BinaryPrimitives.ReadUInt32LittleEndian(tag.Slice(8)) & 1) != 0)
                        warnings.Add("Multiboot2: the kernel requires an EGA text console; the guest's console is the serial port");
                    return true;
                case TagFramebuffer:
                    warnings.Add("Multiboot2: framebuffer tag ignored: no framebuffer, the guest starts in text mode");
                    return true;
                case TagModuleAlignment:
                case TagRelocatable:
                    return true; // modules are always page-aligned; the image is loaded where it was linked
                case TagEfiBootServices:
                case TagEfiI386Entry:
                case TagEfiAmd64Entry:
                    warnings.Add("Multiboot2: EFI tag ignored: the guest is booted like a BIOS loader boots it");
                    return true;
                default:
                    if (optional)
                        return true;
                    return LoaderText.Fail(TagText(type, at) + " is not optional and unknown to this loader", out error);
            }
        }

        private static string TagText(ushort type, int at) =>
            "Multiboot2: header tag " + LoaderText.Dec(type) + " at header offset " + LoaderText.Hex((ulong)at);

        private static int FindOffset(ReadOnlySpan<byte> image, out int badChecksumAt)
        {
            badChecksumAt = -1;
            int limit = Math.Min(image.Length, SearchLimit);
            for (int offset = 0; offset + FixedSize <= limit; offset += 8)
            {
                uint magic = BinaryPrimitives.ReadUInt32LittleEndian(image.Slice(offset));
                if (magic != Magic)
                    continue;
                uint architecture = BinaryPrimitives.ReadUInt32LittleEndian(image.Slice(offset + 4));
                uint length = BinaryPrimitives.ReadUInt32LittleEndian(image.Slice(offset + 8));
                uint checksum = BinaryPrimitives.ReadUInt32LittleEndian(image.Slice(offset + 12));
                if (magic + architecture + length + checksum == 0)
                    return offset;
                if (badChecksumAt < 0)
                    badChecksumAt = offset;
            }
            return -1;
        }
    }
}
