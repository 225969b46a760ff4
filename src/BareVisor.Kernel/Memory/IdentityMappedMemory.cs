// Physical memory as the kernel sees it: identity mapped, so a physical address is also a
// pointer. Runs anywhere after paging is set up (and under the boot loader's identity map).
using System;
using BareVisor.Core.Boot;
using BareVisor.Core.Memory;
using BareVisor.Core.Paging;

namespace BareVisor.Kernel.Memory
{
    internal unsafe struct IdentityMappedMemory : IPhysicalMemory
    {
        private const ulong FourGiB = 1UL << 32;

        // Firmware and boot data can point anywhere; reading an unmapped address would fault, so
        // only the first 4 GiB (less page 0) and RAM listed in the memory map are readable.
        private static MemoryRegion[] s_highMemory;

        internal static void UseMemoryMap(MemoryRegion[] map) => s_highMemory = map;

        public ReadOnlySpan<byte> Read(HostPhysical address, int length)
        {
            ulong start = address.Value, end = start + (ulong)length;
            if (length < 0 || start < 4096 || end < start || !IsMapped(start, end))
                return default;
            return new ReadOnlySpan<byte>((void*)start, length);
        }

        private static bool IsMapped(ulong start, ulong end)
        {
            if (end <= FourGiB)
                return true;
            if (s_highMemory == null)
                return false;
            foreach (MemoryRegion region in s_highMemory)
            {
                if (start >= region.Base.Value && end <= region.Base.Value + region.Length)
                    return true;
            }
            return false;
        }
    }

    // Page-table pages for the kernel's own tables, from the physical page allocator.
    internal unsafe struct AllocatorPageTableMemory : IPageTableMemory
    {
        public HostPhysical AllocateTable()
        {
            HostPhysical page = PhysicalMemory.AllocatePage();
            new Span<byte>((void*)page.Value, 4096).Clear();
            return page;
        }

        public Span<ulong> Table(HostPhysical table) => new Span<ulong>((void*)table.Value, 512);
    }
}
