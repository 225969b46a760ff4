// Pure logic; no hardware. Builds the Linux "zero page" (struct boot_params, 4096 bytes;
// Documentation/arch/x86/zero-page.rst and boot.rst) for the 64-bit entry. Runs at guest set-up.
using System;
using System.Buffers.Binary;

namespace BareVisor.Core.Loaders
{
    public static class LinuxBootParams
    {
        public const int Size = 4096;

        public const int AcpiRsdpAddrOffset = 0x070;
        public const int ExtRamdiskImageOffset = 0x0C0;
        public const int ExtRamdiskSizeOffset = 0x0C4;
        public const int ExtCmdLinePtrOffset = 0x0C8;
        public const int E820EntriesOffset = 0x1E8;
        public const int SentinelOffset = 0x1EF;
        public const int E820TableOffset = 0x2D0;
        public const int E820EntrySize = 20;
        public const int MaxE820Entries = 128;

        /// <summary>type_of_loader for a loader without an assigned ID.</summary>
        public const byte UndefinedLoader = 0xFF;

        /// <summary>What goes into the zero page besides the image's own setup header.</summary>
        public struct Contents
        {
            public ulong KernelAddress;
            public ulong CommandLineAddress;
            public ulong RamdiskAddress;
            public ulong RamdiskSize;
            public ulong AcpiRsdpAddress;
            public GuestMemoryRange[] MemoryMap;
        }

        /// <summary>
        /// A zeroed page with the setup header copied from the image (0x1F1 up to its end), then the
        /// loader's fields filled in. The map must have at most 128 entries (GuestMemoryLayout checks).
        /// </summary>
        public static byte[] Build(ReadOnlySpan<byte> image, LinuxSetupHeader header, in Contents contents)
        {
            byte[] page = new byte[Size];
            Span<byte> p = page;
            int headerEnd = Math.Min(header.HeaderEnd, LinuxSetupHeader.MaxHeaderEnd);
            int headerStart = LinuxSetupHeader.SetupSectsOffset;
            image.Slice(headerStart, headerEnd - headerStart).CopyTo(p.Slice(headerStart));
            p[LinuxSetupHeader.TypeOfLoaderOffset] = UndefinedLoader;
            BinaryPrimitives.WriteUInt32LittleEndian(p.Slice(LinuxSetupHeader.Code32StartOffset), (uint)contents.KernelAddress);
            WriteSplit(p, LinuxSetupHeader.CmdLinePtrOffset, ExtCmdLinePtrOffset, contents.CommandLineAddress);
            WriteSplit(p, LinuxSetupHeader.RamdiskImageOffset, ExtRamdiskImageOffset, contents.RamdiskAddress);
            WriteSplit(p, LinuxSetupHeader.RamdiskSizeOffset, ExtRamdiskSizeOffset, contents.RamdiskSize);
            BinaryPrimitives.WriteUInt64LittleEndian(p.Slice(AcpiRsdpAddrOffset), contents.AcpiRsdpAddress);
            WriteE820(p, contents.MemoryMap);
            return page;
        }

        // The low 32 bits go in the setup header field, the high 32 in its ext_* twin.
        private static void WriteSplit(Span<byte> page, int lowOffset, int highOffset, ulong value)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(page.Slice(lowOffset), (uint)value);
            BinaryPrimitives.WriteUInt32LittleEndian(page.Slice(highOffset), (uint)(value >> 32));
        }

        private static void WriteE820(Span<byte> page, GuestMemoryRange[] map)
        {
            int count = Math.Min(map.Length, MaxE820Entries);
            page[E820EntriesOffset] = (byte)count;
            for (int i = 0; i < count; i++)
            {
                Span<byte> entry = page.Slice(E820TableOffset + i * E820EntrySize);
                BinaryPrimitives.WriteUInt64LittleEndian(entry, map[i].Start.Value);
                BinaryPrimitives.WriteUInt64LittleEndian(entry.Slice(8), map[i].Length);
                BinaryPrimitives.WriteUInt32LittleEndian(entry.Slice(16), (uint)map[i].Type);
            }
        }
    }
}
