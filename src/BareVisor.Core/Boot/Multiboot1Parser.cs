// Runs at boot, interrupts off, may allocate. Parses the Multiboot (0.6.96) boot information, section 3.3.
using System;
using System.Buffers.Binary;
using BareVisor.Core.Memory;
using BareVisor.Core.Text;

namespace BareVisor.Core.Boot
{
    /// <summary>
    /// Reads the fixed structure at EBX and the buffers it points to. Every pointer is untrusted:
    /// counts and lengths are bounded, strings must end within PhysicalStrings.MaxLength.
    /// </summary>
    public static class Multiboot1Parser
    {
        public const uint BootloaderMagic = 0x2BADB002;

        /// <summary>The full structure through the framebuffer fields; we reserve all of it.</summary>
        public const int InfoSize = 116;

        private const int ReadSize = 68;          // through boot_loader_name, the last field we use
        private const uint MaxModules = 1024;
        private const uint MaxMmapLength = 1 << 20;
        private const int ModuleEntrySize = 16;   // mod_start, mod_end, string, reserved
        private const int MmapEntryMinSize = 20;  // base_addr, length, type (after the size field)

        // Bits of the flags field (offset 0) saying which fields are valid.
        private const uint FlagMemory = 1u << 0;
        private const uint FlagCommandLine = 1u << 2;
        private const uint FlagModules = 1u << 3;
        private const uint FlagMemoryMap = 1u << 6;
        private const uint FlagBootLoaderName = 1u << 9;

        public static bool TryParse<TMem>(ref TMem mem, HostPhysical info, out BootInfo result, out string error)
            where TMem : struct, IPhysicalMemory
        {
            result = null;
            ReadOnlySpan<byte> fixedPart = mem.Read(info, ReadSize);
            if (fixedPart.Length < ReadSize)
                return Fail(Messages.WithHex("multiboot1: cannot read the information structure at ", info.Value, ""), out error);
            uint flags = BinaryPrimitives.ReadUInt32LittleEndian(fixedPart);
            BootInfoBuilder builder = new BootInfoBuilder();
            PhysicalRange extent = PhysicalRange.FromLength(info, InfoSize);
            builder.LoaderData.Add(extent);
            if (!TryReadParts(ref mem, fixedPart, flags, builder, out error))
                return false;
            if (builder.Regions.Count == 0 && !builder.HasBasicMemory)
                return Fail("multiboot1: no memory information (flags bits 0 and 6 clear, or an empty memory map)", out error);
            result = builder.Build("multiboot1", extent);
            return true;
        }

        private static bool TryReadParts<TMem>(ref TMem mem, ReadOnlySpan<byte> fixedPart, uint flags, BootInfoBuilder builder, out string error)
            where TMem : struct, IPhysicalMemory
        {
            error = "";
            if ((flags & FlagMemory) != 0)
            {
                builder.HasBasicMemory = true;
                builder.MemLowerKiB = BinaryPrimitives.ReadUInt32LittleEndian(fixedPart.Slice(4));
                builder.MemUpperKiB = BinaryPrimitives.ReadUInt32LittleEndian(fixedPart.Slice(8));
            }
            if ((flags & FlagCommandLine) != 0 && !TryString(ref mem, fixedPart, 16, "cmdline", builder, out builder.CommandLine, out error))
                return false;
            if ((flags & FlagBootLoaderName) != 0 && !TryString(ref mem, fixedPart, 64, "boot_loader_name", builder, out builder.BootLoaderName, out error))
                return false;
            if ((flags & FlagModules) != 0 && !TryModules(ref mem, fixedPart, builder, out error))
                return false;
            if ((flags & FlagMemoryMap) != 0 && !TryMemoryMap(ref mem, fixedPart, builder, out error))
                return false;
            return true;
        }

        private static bool TryString<TMem>(ref TMem mem, ReadOnlySpan<byte> fixedPart, int fieldOffset, string field,
            BootInfoBuilder builder, out string text, out string error)
            where TMem : struct, IPhysicalMemory
        {
            uint address = BinaryPrimitives.ReadUInt32LittleEndian(fixedPart.Slice(fieldOffset));
            return TryStringAt(ref mem, address, field, builder, out text, out error);
        }

        private static bool TryStringAt<TMem>(ref TMem mem, uint address, string field, BootInfoBuilder builder,
            out string text, out string error)
            where TMem : struct, IPhysicalMemory
        {
            if (!PhysicalStrings.TryRead(ref mem, new HostPhysical(address), out text, out PhysicalRange extent))
                return Fail(Messages.WithHex("multiboot1: " + field + " string at ", address, " is unreadable or not NUL-terminated within 4096 bytes"), out error);
            builder.LoaderData.Add(extent);
            error = "";
            return true;
        }

        private static bool TryModules<TMem>(ref TMem mem, ReadOnlySpan<byte> fixedPart, BootInfoBuilder builder, out string error)
            where TMem : struct, IPhysicalMemory
        {
            uint count = BinaryPrimitives.ReadUInt32LittleEndian(fixedPart.Slice(20));
            uint address = BinaryPrimitives.ReadUInt32LittleEndian(fixedPart.Slice(24));
            if (count > MaxModules)
                return Fail(Messages.WithDecimal("multiboot1: mods_count ", count, " exceeds the limit of 1024"), out error);
            int listLength = (int)count * ModuleEntrySize;
            ReadOnlySpan<byte> list = mem.Read(new HostPhysical(address), listLength);
            if (list.Length < listLength)
                return Fail(Messages.WithHex("multiboot1: module list at ", address, " is unreadable"), out error);
            if (listLength != 0)
                builder.LoaderData.Add(PhysicalRange.FromLength(new HostPhysical(address), (ulong)listLength));
            for (int i = 0; i < (int)count; i++)
            {
                if (!TryModule(ref mem, list.Slice(i * ModuleEntrySize, ModuleEntrySize), i, builder, out error))
                    return false;
            }
            error = "";
            return true;
        }

        private static bool TryModule<TMem>(ref TMem mem, ReadOnlySpan<byte> entry, int index, BootInfoBuilder builder, out string error)
            where TMem : struct, IPhysicalMemory
        {
            uint start = BinaryPrimitives.ReadUInt32LittleEndian(entry);
            uint end = BinaryPrimitives.ReadUInt32LittleEndian(entry.Slice(4));
            uint stringAddress = BinaryPrimitives.ReadUInt32LittleEndian(entry.Slice(8));
            if (end < start)
                return Fail(Messages.WithDecimal("multiboot1: module ", (ulong)index, " has mod_end below mod_start"), out error);
            string commandLine = "";
            if (stringAddress != 0 && !TryStringAt(ref mem, stringAddress, "module", builder, out commandLine, out error))
                return false;
            PhysicalRange range = new PhysicalRange(new HostPhysical(start), new HostPhysical(end));
            builder.Modules.Add(new BootModule(range, commandLine));
            error = "";
            return true;
        }

        private static bool TryMemoryMap<TMem>(ref TMem mem, ReadOnlySpan<byte> fixedPart, BootInfoBuilder builder, out string error)
            where TMem : struct, IPhysicalMemory
        {
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(fixedPart.Slice(44));
            uint address = BinaryPrimitives.ReadUInt32LittleEndian(fixedPart.Slice(48));
            if (length > MaxMmapLength)
                return Fail(Messages.WithDecimal("multiboot1: mmap_length ", length, " exceeds the 1 MiB limit"), out error);
            ReadOnlySpan<byte> buffer = mem.Read(new HostPhysical(address), (int)length);
            if (buffer.Length < (int)length)
                return Fail(Messages.WithHex("multiboot1: memory map at ", address, " is unreadable"), out error);
            if (length != 0)
                builder.LoaderData.Add(PhysicalRange.FromLength(new HostPhysical(address), length));
            return TryMemoryMapEntries(buffer, builder, out error);
        }

        // Each entry starts with its own size, which does not count the size field itself.
        private static bool TryMemoryMapEntries(ReadOnlySpan<byte> buffer, BootInfoBuilder builder, out string error)
        {
            int offset = 0;
            while (offset < buffer.Length)
            {
                if (buffer.Length - offset < 4)
                    return Fail(Messages.WithHex("multiboot1: memory map entry at offset ", (ulong)offset, " is truncated"), out error);
                uint size = BinaryPrimitives.ReadUInt32LittleEndian(buffer.Slice(offset));
                if (size < MmapEntryMinSize)
                    return Fail(Messages.WithHex("multiboot1: memory map entry at offset ", (ulong)offset, " has a size below 20"), out error);
                if (size > (uint)(buffer.Length - offset - 4))
                    return Fail(Messages.WithHex("multiboot1: memory map entry at offset ", (ulong)offset, " overruns mmap_length"), out error);
                ReadOnlySpan<byte> entry = buffer.Slice(offset + 4);
                builder.AddRegion(BinaryPrimitives.ReadUInt64LittleEndian(entry),
                    BinaryPrimitives.ReadUInt64LittleEndian(entry.Slice(8)),
                    BinaryPrimitives.ReadUInt32LittleEndian(entry.Slice(16)));
                offset += 4 + (int)size;
            }
            error = "";
            return true;
        }

        private static bool Fail(string message, out string error)
        {
            error = message;
            return false;
        }
    }
}
