// Runs in VMX root with interrupts off; not thread-safe itself: the kernel calls it under its page
// allocator lock (src/BareVisor.Kernel/Memory/PhysicalMemory.cs). Its free list may allocate as it grows.
using System;
using BareVisor.Core.Boot;

namespace BareVisor.Core.Memory
{
    /// <summary>
    /// Hands out 4 KiB pages of host physical memory from the firmware memory map. Free memory is a
    /// sorted list of extents, so the cost depends on fragmentation, not on the size of RAM.
    /// Only Usable memory is used, shrunk inward to whole pages; anything another map entry marks
    /// non-usable, anything in the reserved list, and everything below 1 MiB is never handed out,
    /// except single pages below 1 MiB taken on purpose with TryAllocateLowPage.
    /// </summary>
    public sealed class PhysicalPageAllocator
    {
        public const ulong PageSize = 4096;

        /// <summary>Real-mode memory (IVT, BDA, EBDA, VGA, option ROMs, AP trampolines) is kept out of the pool.</summary>
        public const ulong LowMemoryLimit = 0x100000;

        private const ulong PageMask = PageSize - 1;
        private const ulong LastPageEnd = ~PageMask;   // highest page-aligned address; 2^64 cannot be represented

        private readonly ExtentSet free;
        private readonly ExtentSet lowFree;   // usable pages below 1 MiB (page 0 excluded), minus reserved
        private readonly ExtentSet owned;   // what we started with, to refuse frees of foreign memory
        private ulong freePages;

        public PhysicalPageAllocator(MemoryRegion[] map, PhysicalRange[] reserved)
        {
            ExtentSet usable = UsablePages(map);
            UsableBytes = usable.TotalLength;
            for (int i = 0; reserved != null && i < reserved.Length; i++)
                usable.Remove(PageFloor(reserved[i].Start.Value), PageCeiling(reserved[i].End.Value));
            lowFree = usable.Clone();
            lowFree.Remove(LowMemoryLimit, LastPageEnd);
            lowFree.Remove(0, PageSize);
            usable.Remove(0, LowMemoryLimit);
            free = usable;
            owned = usable.Clone();
            freePages = free.TotalLength / PageSize;
        }

        /// <summary>Usable memory in the map: whole pages, minus what other entries mark non-usable.</summary>
        public ulong UsableBytes { get; }

        public ulong FreePages => freePages;

        /// <summary>
        /// Takes the lowest run of pages whose start is a multiple of alignment (bytes, a power of two;
        /// values below PageSize mean PageSize). Returns false when no such run is free.
        /// </summary>
        public bool TryAllocate(ulong pages, ulong alignment, out HostPhysical start)
        {
            start = default;
            if (alignment < PageSize)
                alignment = PageSize;
            if (pages == 0 || pages > ulong.MaxValue / PageSize || (alignment & (alignment - 1)) != 0)
                return false;
            ulong size = pages * PageSize;
            for (int i = 0; i < free.Count; i++)
            {
                Extent extent = free[i];
                ulong candidate = (extent.Start + alignment - 1) & ~(alignment - 1);
                if (candidate < extent.Start || candidate >= extent.End || extent.End - candidate < size)
                    continue;
                free.Remove(candidate, candidate + size);
                freePages -= pages;
                start = new HostPhysical(candidate);
                return true;
            }
            return false;
        }

        /// <summary>
        /// One usable page below 1 MiB (never page 0), highest first so the BIOS's own areas near the
        /// bottom stay untouched: real-mode code such as the AP start-up trampoline, whose SIPI
        /// vector can only name a page there. Returns false when there is none; not counted in
        /// FreePages and never returned with Free.
        /// </summary>
        public bool TryAllocateLowPage(out HostPhysical page)
        {
            page = default;
            if (lowFree.Count == 0)
                return false;
            Extent last = lowFree[lowFree.Count - 1];
            ulong start = last.End - PageSize;
            lowFree.Remove(start, last.End);
            page = new HostPhysical(start);
            return true;
        }

        /// <summary>One page; running out of physical memory is fatal for the hypervisor.</summary>
        public HostPhysical AllocatePage()
        {
            if (!TryAllocate(1, PageSize, out HostPhysical page))
                throw new InvalidOperationException("out of physical memory");
            return page;
        }

        /// <summary>Returns pages to the pool. A double free or a free of memory never owned is a fatal bug.</summary>
        public void Free(HostPhysical start, ulong pages)
        {
            string error = TryFree(start, pages);
            if (error != null)
                throw new InvalidOperationException(error);
        }

        /// <summary>
        /// Free without throwing: null when the pages went back to the pool, else why not (a literal,
        /// so a caller holding a lock can release it before it throws).
        /// </summary>
        public string TryFree(HostPhysical start, ulong pages)
        {
            if (!start.IsPageAligned || pages == 0 || pages > (LastPageEnd - start.Value) / PageSize)
                return "free of a misaligned or empty physical range";
            ulong end = start.Value + pages * PageSize;
            if (!owned.Covers(start.Value, end))
                return "free of physical memory the page allocator never owned";
            if (free.Overlaps(start.Value, end))
                return "double free of physical memory";
            free.Add(start.Value, end);
            freePages += pages;
            return null;
        }

        /// <summary>The free extents, lowest first (a snapshot; allocates).</summary>
        public PhysicalRange[] FreeRanges()
        {
            PhysicalRange[] ranges = new PhysicalRange[free.Count];
            for (int i = 0; i < ranges.Length; i++)
                ranges[i] = new PhysicalRange(new HostPhysical(free[i].Start), new HostPhysical(free[i].End));
            return ranges;
        }

        // A page is usable if some Usable entry covers it whole and no other entry touches it: when
        // firmware reports a range as both usable and reserved, reserved wins.
        private static ExtentSet UsablePages(MemoryRegion[] map)
        {
            ExtentSet usable = new ExtentSet();
            for (int i = 0; i < map.Length; i++)
            {
                if (map[i].Type == MemoryType.Usable)
                    usable.Add(PageCeiling(map[i].Range.Start.Value), PageFloor(map[i].Range.End.Value));
            }
            for (int i = 0; i < map.Length; i++)
            {
                if (map[i].Type != MemoryType.Usable && map[i].Length != 0)
                    usable.Remove(PageFloor(map[i].Range.Start.Value), PageCeiling(map[i].Range.End.Value));
            }
            return usable;
        }

        private static ulong PageFloor(ulong address) => address & ~PageMask;

        // Saturates: an end within the last page of the address space becomes LastPageEnd.
        private static ulong PageCeiling(ulong address) =>
            address > LastPageEnd ? LastPageEnd : (address + PageMask) & ~PageMask;
    }
}
