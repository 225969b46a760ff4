// Owns the physical page allocator: built at boot from the firmware's memory map, keeping the
// kernel image, the boot loader's data and the boot modules out of it. Feeds the kernel heap.
// Runs at boot with interrupts off; later callers are single-CPU.
using BareVisor.Core.Boot;
using BareVisor.Core.Memory;
using BareVisor.Kernel.Arch;

namespace BareVisor.Kernel.Memory
{
    internal static unsafe class PhysicalMemory
    {
        internal static PhysicalPageAllocator Allocator;

        internal static void Initialize(BootInfo boot, in KernelLayout layout)
        {
            PhysicalRange[] preserved = boot.RangesToPreserve();
            PhysicalRange[] reserved = new PhysicalRange[preserved.Length + 1];
            reserved[0] = new PhysicalRange(new HostPhysical(layout.ImageStart), new HostPhysical(layout.ImageEnd));
            for (int i = 0; i < preserved.Length; i++)
                reserved[i + 1] = preserved[i];
            Allocator = new PhysicalPageAllocator(boot.MemoryMap, reserved);
            System.Runtime.RuntimeHost.SetPageSource(&AllocateForHeap);
        }

        private static byte* AllocateForHeap(nuint bytes)
        {
            ulong pages = ((ulong)bytes + PhysicalPageAllocator.PageSize - 1) / PhysicalPageAllocator.PageSize;
            return Allocator.TryAllocate(pages, PhysicalPageAllocator.PageSize, out HostPhysical start) ? (byte*)start.Value : null;
        }
    }
}
