// Runs at boot, interrupts off, may allocate. Parses the Multiboot2 boot information (Multiboot2 spec, section 3.6).
using System;
using System.Buffers.Binary;
using BareVisor.Core.Memory;
using BareVisor.Core.Text;

namespace BareVisor.Core.Boot
{
    /// <summary>
    /// Reads the tag list the loader left at the address in EBX. The block is untrusted input: every
    /// size is checked against the block, and problems come back as an error naming the tag and offset.
    /// </summary>
    public static class Multiboot2Parser
    {
        public const uint BootloaderMagic = 0x36d76289;

        /// <summary>We refuse larger blocks: real ones are a few KiB, a huge total_size means garbage.</summary>
        public const uint MaxTotalSize = 1 << 20;

        private const int FixedPartSize = 8;   // total_size, reserved
        private const int TagHeaderSize = 8;   // type, size
        private const int TagAlignment = 8;
        private const int MmapEntryMinSize = 24;

        private const uint TagEnd = 0;
        private const uint TagCommandLine = 1;
        private const uint TagBootLoaderName = 2;
        private const uint TagModule = 3;
        private const uint TagBasicMemInfo = 4;
        private const uint TagMemoryMap = 6;
        private const uint TagAcpiOldRsdp = 14;
        private const uint TagAcpiNewRsdp = 15;

        public static bool TryParse<TMem>(ref TMem mem, HostPhysical info, out BootInfo result, out string error)
            where TMem : struct, IPhysicalMemory
        {
            result = null;
            if (!TryReadBlock(ref mem, info, out ReadOnlySpan<byte> block, out error))
                return false;
            BootInfoBuilder builder = new BootInfoBuilder();
            if (!TryWalkTags(block, info, builder, out error))
                return false;
            if (builder.Regions.Count == 0 && !builder.HasBasicMemory)
            {
                error = "multiboot2: no memory map (tag 6) and no basic memory information (tag 4)";
                return false;
            }
            PhysicalRange extent = PhysicalRange.FromLength(info, (ulong)block.Length);
            builder.LoaderData.Add(extent);
            result = builder.Build("multiboot2", extent);
            return true;
        }

        private static bool TryReadBlock<TMem>(ref TMem mem, HostPhysical info, out ReadOnlySpan<byte> block, out string error)
            where TMem : struct, IPhysicalMemory
        {
            block = default;
            if ((info.Value & (TagAlignment - 1)) != 0)
                return Fail(Messages.WithHex("multiboot2: information block at ", info.Value, " is not 8-byte aligned"), out error);
            ReadOnlySpan<byte> header = mem.Read(info, FixedPartSize);
            if (header.Length < FixedPartSize)
                return Fail(Messages.WithHex("multiboot2: cannot read the information block at ", info.Value, ""), out error);
            uint totalSize = BinaryPrimitives.ReadUInt32LittleEndian(header);
            if (totalSize < FixedPartSize + TagHeaderSize)
                return Fail(Messages.WithDecimal("multiboot2: total_size ", totalSize, " is too small for the header and end tag"), out error);
            if (totalSize > MaxTotalSize)
                return Fail(Messages.WithDecimal("multiboot2: total_size ", totalSize, " exceeds the 1 MiB limit"), out error);
            block = mem.Read(info, (int)totalSize);
            if (block.Length < (int)totalSize)
                return Fail(Messages.WithDecimal("multiboot2: cannot read all ", totalSize, " bytes of the information block"), out error);
            error = "";
            return true;
        }

        private static bool TryWalkTags(ReadOnlySpan<byte> block, HostPhysical info, BootInfoBuilder builder, out string error)
        {
            int offset = FixedPartSize;
            while (offset + TagHeaderSize <= block.Length)
            {
                uint type = BinaryPrimitives.ReadUInt32LittleEndian(block.Slice(offset));
                uint size = BinaryPrimitives.ReadUInt32LittleEndian(block.Slice(offset + 4));
                if (size < TagHeaderSize)
                    return Fail(TagError(type, offset, "has a size smaller than its 8-byte header"), out error);
                if (size > (uint)(block.Length - offset))
                    return Fail(TagError(type, offset, "overruns the information block"), out error);
                if (type == TagEnd)
                {
                    error = "";
                    return true;
                }
                ReadOnlySpan<byte> tag = block.Slice(offset, (int)size);
                if (!TryHandleTag(tag, type, offset, info + (ulong)offset, builder, out error))
                    return false;
                // Tags start on 8-byte boundaries; the padding is not counted in size.
                offset += (int)((size + TagAlignment - 1) & ~(uint)(TagAlignment - 1));
            }
            return Fail("multiboot2: the information block has no end tag (type 0)", out error);
        }

        private static bool TryHandleTag(ReadOnlySpan<byte> tag, uint type, int offset, HostPhysical tagAddress,
            BootInfoBuilder builder, out string error)
        {
            error = "";
            switch (type)
            {
                case TagCommandLine:
                    return TryTagString(tag, TagHeaderSize, type, offset, out builder.CommandLine, out error);
                case TagBootLoaderName:
                    return TryTagString(tag, TagHeaderSize, type, offset, out builder.BootLoaderName, out error);
                case TagModule:
                    return TryModule(tag, offset, builder, out error);
                case TagBasicMemInfo:
                    return TryBasicMemInfo(tag, offset, builder, out error);
                case TagMemoryMap:
                    return TryMemoryMap(tag, offset, builder, out error);
                case TagAcpiOldRsdp:
                case TagAcpiNewRsdp:
                    return TryRsdpCopy(tag, type, offset, tagAddress, builder, out error);
                default:
                    return true; // Framebuffer, ELF sections, EFI tables...: not needed by the hypervisor.
            }
        }

        private static bool TryModule(ReadOnlySpan<byte> tag, int offset, BootInfoBuilder builder, out string error)
        {
            if (tag.Length < 17)
                return Fail(TagError(TagModule, offset, "is too small for mod_start, mod_end and a string"), out error);
            uint start = BinaryPrimitives.ReadUInt32LittleEndian(tag.Slice(8));
            uint end = BinaryPrimitives.ReadUInt32LittleEndian(tag.Slice(12));
            if (end < start)
                return Fail(TagError(TagModule, offset, "has mod_end below mod_start"), out error);
            if (!TryTagString(tag, 16, TagModule, offset, out string commandLine, out error))
                return false;
            PhysicalRange range = new PhysicalRange(new HostPhysical(start), new HostPhysical(end));
            builder.Modules.Add(new BootModule(range, commandLine));
            return true;
        }

        private static bool TryBasicMemInfo(ReadOnlySpan<byte> tag, int offset, BootInfoBuilder builder, out string error)
        {
            if (tag.Length < 16)
                return Fail(TagError(TagBasicMemInfo, offset, "is too small for mem_lower and mem_upper"), out error);
            builder.HasBasicMemory = true;
            builder.MemLowerKiB = BinaryPrimitives.ReadUInt32LittleEndian(tag.Slice(8));
            builder.MemUpperKiB = BinaryPrimitives.ReadUInt32LittleEndian(tag.Slice(12));
            error = "";
            return true;
        }

        private static bool TryMemoryMap(ReadOnlySpan<byte> tag, int offset, BootInfoBuilder builder, out string error)
        {
            if (tag.Length < 16)
                return Fail(TagError(TagMemoryMap, offset, "is too small for entry_size and entry_version"), out error);
            uint entrySize = BinaryPrimitives.ReadUInt32LittleEndian(tag.Slice(8));
            if (entrySize < MmapEntryMinSize)
                return Fail(TagError(TagMemoryMap, offset, Messages.WithDecimal("has entry_size ", entrySize, " (must be at least 24)")), out error);
            // Entries are entry_size apart so later spec versions can extend them; we read the first 24 bytes.
            for (int at = 16; at + (long)entrySize <= tag.Length; at += (int)entrySize)
            {
                ReadOnlySpan<byte> entry = tag.Slice(at);
                builder.AddRegion(BinaryPrimitives.ReadUInt64LittleEndian(entry),
                    BinaryPrimitives.ReadUInt64LittleEndian(entry.Slice(8)),
                    BinaryPrimitives.ReadUInt32LittleEndian(entry.Slice(16)));
            }
            error = "";
            return true;
        }

        private static bool TryRsdpCopy(ReadOnlySpan<byte> tag, uint type, int offset, HostPhysical tagAddress,
            BootInfoBuilder builder, out string error)
        {
            // Tag 14 holds an RSDP v1 (20 bytes), tag 15 an RSDP v2 (36 bytes).
            int needed = TagHeaderSize + (type == TagAcpiNewRsdp ? 36 : 20);
            if (tag.Length < needed)
                return Fail(TagError(type, offset, "is too small for the RSDP it should contain"), out error);
            if (type == TagAcpiNewRsdp || builder.Rsdp.Value == 0)
                builder.Rsdp = tagAddress + TagHeaderSize;
            error = "";
            return true;
        }

        private static bool TryTagString(ReadOnlySpan<byte> tag, int start, uint type, int offset, out string text, out string error)
        {
            text = "";
            ReadOnlySpan<byte> bytes = tag.Slice(start);
            if (Ascii.IndexOfNul(bytes) < 0)
                return Fail(TagError(type, offset, "has a string that is not NUL-terminated within the tag"), out error);
            text = Ascii.FromNulTerminated(bytes);
            error = "";
            return true;
        }

        private static string TagError(uint type, int offset, string what) =>
            Messages.WithDecimalAndHex("multiboot2: tag ", type, " at offset ", (ulong)offset, " " + what);

        private static bool Fail(string message, out string error)
        {
            error = message;
            return false;
        }
    }
}
