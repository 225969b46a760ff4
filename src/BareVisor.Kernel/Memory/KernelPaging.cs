// The kernel's own page tables, replacing the boot loader-era identity map: all of the first
// 4 GiB (RAM, firmware tables and MMIO) and all RAM above it, identity mapped, writable and not
// executable; page 0 unmapped so null dereferences fault; kernel code read-only and executable,
// read-only data read-only. Runs once at boot, interrupts off.
using BareVisor.Core.Boot;
using BareVisor.Core.Cpu;
using BareVisor.Core.Memory;
using BareVisor.Core.Paging;
using BareVisor.Kernel.Arch;

namespace BareVisor.Kernel.Memory
{
    internal static class KernelPaging
    {
        private const ulong FourGiB = 1UL << 32;
        private const ulong PageSize = 4096;

        internal static HostPhysical Build(BootInfo boot, in KernelLayout layout)
        {
            PageFlags data = PageFlags.Present | PageFlags.Writable;
            PageFlags noExecute = HasNoExecute() ? PageFlags.NoExecute : 0;
            var builder = new PageTableBuilder<AllocatorPageTableMemory>(default);
            builder.Use1GiBPages = Has1GiBPages();

            builder.Map(new HostVirtual(PageSize), new HostPhysical(PageSize), FourGiB - PageSize, data | noExecute, true);
            foreach (MemoryRegion region in boot.MemoryMap)
            {
                ulong end = region.Base.Value + region.Length;
                if (end > FourGiB)
                    MapIdentity(ref builder, region.Base.Value < FourGiB ? FourGiB : region.Base.Value, end, data | noExecute);
            }
            MapIdentity(ref builder, layout.ImageStart, layout.RodataStart, PageFlags.Present);
            MapIdentity(ref builder, layout.RodataStart, layout.DataStart, PageFlags.Present | noExecute);
            MapIdentity(ref builder, layout.DataStart, layout.ImageEnd, data | noExecute);
            return builder.Root;
        }

        private static void MapIdentity(ref PageTableBuilder<AllocatorPageTableMemory> builder, ulong start, ulong end, PageFlags flags)
        {
            start &= ~(PageSize - 1);
            end = (end + PageSize - 1) & ~(PageSize - 1);
            if (end > start)
                builder.Map(new HostVirtual(start), new HostPhysical(start), end - start, flags, true);
        }

        private static bool HasNoExecute() => (ExtendedFeatures().Edx & (1u << 20)) != 0;

        private static bool Has1GiBPages() => (ExtendedFeatures().Edx & (1u << 26)) != 0;

        private static CpuidResult ExtendedFeatures()
        {
            X86Cpu cpu = default;
            return cpu.Cpuid(0x80000001, 0);
        }
    }
}
