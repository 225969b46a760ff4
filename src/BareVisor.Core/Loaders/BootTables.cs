// Pure logic; no hardware. The GDT and identity-map page tables a plan places in low guest memory
// (see BootAddresses). Built at guest set-up; allocates the byte arrays.
using System;
using System.Buffers.Binary;

namespace BareVisor.Core.Loaders
{
    public static class BootTables
    {
        // Flat 4 GiB descriptors with the accessed bit set, so they match what GuestStartState
        // writes into the VMCS (code 0x9B, data 0x93) and a reload does not have to write the GDT.
        public const ulong Code32Descriptor = 0x00CF9B000000FFFF;
        public const ulong Code64Descriptor = 0x00AF9B000000FFFF;
        public const ulong DataDescriptor = 0x00CF93000000FFFF;

        private const ulong Present = 1, Writable = 2, LargePage = 0x80;
        private const int PageSize = 4096;
        private const int DirectoryCount = 4; // 4 x 1 GiB

        /// <summary>null, null, code (0x10: 64-bit if longMode, else 32-bit), data (0x18).</summary>
        public static byte[] Gdt(bool longMode)
        {
            byte[] gdt = new byte[BootAddresses.GdtLimit + 1];
            Span<byte> span = gdt;
            BinaryPrimitives.WriteUInt64LittleEndian(span.Slice(BootAddresses.CodeSelector), longMode ? Code64Descriptor : Code32Descriptor);
            BinaryPrimitives.WriteUInt64LittleEndian(span.Slice(BootAddresses.DataSelector), DataDescriptor);
            return gdt;
        }

        /// <summary>
        /// PML4, PDPT and four page directories, meant for BootAddresses.PageTables: guest-linear
        /// [0, 4 GiB) maps to the same guest-physical addresses in 2 MiB pages, read/write, supervisor.
        /// </summary>
        public static byte[] IdentityPageTables()
        {
            byte[] tables = new byte[(int)BootAddresses.PageTablesSize];
            Span<byte> span = tables;
            ulong pdpt = BootAddresses.PageTables + PageSize;
            ulong firstDirectory = pdpt + PageSize;
            BinaryPrimitives.WriteUInt64LittleEndian(span, pdpt | Present | Writable);
            for (int d = 0; d < DirectoryCount; d++)
            {
                ulong directory = firstDirectory + (ulong)(d * PageSize);
                BinaryPrimitives.WriteUInt64LittleEndian(span.Slice(PageSize + d * 8), directory | Present | Writable);
                int directoryOffset = (2 + d) * PageSize;
                for (int e = 0; e < 512; e++)
                {
                    ulong physical = ((ulong)(d * 512 + e)) << 21;
                    BinaryPrimitives.WriteUInt64LittleEndian(span.Slice(directoryOffset + e * 8), physical | Present | Writable | LargePage);
                }
            }
            return tables;
        }
    }
}
