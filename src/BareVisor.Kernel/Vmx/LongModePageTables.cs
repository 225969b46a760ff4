// Page tables for a guest that starts in 64-bit mode: an identity map of its first 1 GiB with
// 2 MiB pages, in guest memory at 0x1000 (PML4), 0x2000 (PDPT) and 0x3000 (page directory).
// Runs at guest set-up.
using System;
using BareVisor.Core.Memory;

namespace BareVisor.Kernel.Vmx
{
    internal static class LongModePageTables
    {
        private const ulong Pml4 = 0x1000, Pdpt = 0x2000, PageDirectory = 0x3000;
        private const ulong PresentWritable = 0x3, LargePage = 0x80;

        internal static ulong Build(GuestMemory memory)
        {
            Span<byte> entry = stackalloc byte[8];
            Write(memory, Pml4, Pdpt | PresentWritable, entry);
            Write(memory, Pdpt, PageDirectory | PresentWritable, entry);
            for (ulong i = 0; i < 512; i++)
                Write(memory, PageDirectory + i * 8, (i << 21) | PresentWritable | LargePage, entry);
            return Pml4;
        }

        private static void Write(GuestMemory memory, ulong address, ulong value, Span<byte> buffer)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(buffer, value);
            memory.TryWrite(new GuestPhysical(address), buffer);
        }
    }
}
