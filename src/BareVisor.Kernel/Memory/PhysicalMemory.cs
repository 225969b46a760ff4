// Owns the physical page allocator: built at boot from the firmware's memory map, keeping the
// kernel image, the boot loader's data and the boot modules out of it. Feeds the kernel heap.
// Every call takes Locks.PageAllocator, so any CPU may allocate and free; interrupts are off while
// it is held. Failures throw only after the lock is released (see the order in Smp/Locks.cs).
using System;
using BareVisor.Core.Boot;
using BareVisor.Core.Memory;
using BareVisor.Kernel.Arch;
using BareVisor.Kernel.Smp;

namespace BareVisor.Kernel.Memory
{
    internal static unsafe class PhysicalMemory
    {
        private static PhysicalPageAllocator s_allocator;

        // At boot, on the BSP alone.
        internal static void Initialize(BootInfo boot, in KernelLayout layout)
        {
            PhysicalRange[] preserved = boot.RangesToPreserve();
            PhysicalRange[] reserved = new PhysicalRange[preserved.Length + 1];
            reserved[0] = new PhysicalRange(new HostPhysical(layout.ImageStart), new HostPhysical(layout.ImageEnd));
            for (int i = 0; i < preserved.Length; i++)
                reserved[i + 1] = preserved[i];
            s_allocator = new PhysicalPageAllocator(boot.MemoryMap, reserved);
            System.Runtime.RuntimeHost.SetPageSource(&AllocateForHeap);
        }

        internal static ulong FreePages
        {
            get
            {
                ulong rflags = Locks.PageAllocator.Enter();
                ulong pages = s_allocator.FreePages;
                Locks.PageAllocator.Exit(rflags);
                return pages;
            }
        }

        internal static bool TryAllocate(ulong pages, ulong alignment, out HostPhysical start)
        {
            ulong rflags = Locks.PageAllocator.Enter();
            bool found = s_allocator.TryAllocate(pages, alignment, out start);
            Locks.PageAllocator.Exit(rflags);
            return found;
        }

        // One page; running out of physical memory is fatal for the hypervisor.
        internal static HostPhysical AllocatePage()
        {
            if (!TryAllocate(1, PhysicalPageAllocator.PageSize, out HostPhysical page))
                throw new InvalidOperationException("out of physical memory");
            return page;
        }

        internal static bool TryAllocateLowPage(out HostPhysical page)
        {
            ulong rflags = Locks.PageAllocator.Enter();
            bool found = s_allocator.TryAllocateLowPage(out page);
            Locks.PageAllocator.Exit(rflags);
            return found;
        }

        // A double free or a free of memory never owned is a fatal bug.
        internal static void Free(HostPhysical start, ulong pages)
        {
            ulong rflags = Locks.PageAllocator.Enter();
            string error = s_allocator.TryFree(start, pages);
            Locks.PageAllocator.Exit(rflags);
            if (error != null)
                throw new InvalidOperationException(error);
        }

        private static byte* AllocateForHeap(nuint bytes)
        {
            ulong pages = ((ulong)bytes + PhysicalPageAllocator.PageSize - 1) / PhysicalPageAllocator.PageSize;
            return TryAllocate(pages, PhysicalPageAllocator.PageSize, out HostPhysical start) ? (byte*)start.Value : null;
        }
    }
}
