// Pure logic; no hardware. What the kernel learned from the boot loader, independent of the protocol.
using BareVisor.Core.Memory;

namespace BareVisor.Core.Boot
{
    public sealed class BootInfo
    {
        /// <summary>"multiboot2" or "multiboot1".</summary>
        public string Protocol;

        /// <summary>The kernel command line ("" if the loader gave none).</summary>
        public string CommandLine;

        /// <summary>The loader's name ("" if it gave none).</summary>
        public string BootLoaderName;

        /// <summary>The memory map in the loader's order (unsorted, possibly overlapping).</summary>
        public MemoryRegion[] MemoryMap;

        public BootModule[] Modules;

        /// <summary>
        /// Address of RSDP bytes, 0 if the loader gave none. For Multiboot2 it is the copy inside the
        /// information block (tag 15 preferred over tag 14); Multiboot1 has none, the kernel scans.
        /// </summary>
        public HostPhysical Rsdp;

        /// <summary>The boot information structure itself.</summary>
        public PhysicalRange InfoBlock;

        /// <summary>
        /// Every range the loader's data lives in: the information block and, for Multiboot1, the
        /// strings, memory-map buffer and module list it points to. Keep these until parsing is done.
        /// Module contents are not included (see <see cref="Modules"/>).
        /// </summary>
        public PhysicalRange[] LoaderData;

        /// <summary>Sum of the lengths of the Usable regions, as reported.</summary>
        public ulong UsableBytes;

        /// <summary>LoaderData plus every module's range: what the page allocator must not hand out.</summary>
        public PhysicalRange[] RangesToPreserve()
        {
            PhysicalRange[] all = new PhysicalRange[LoaderData.Length + Modules.Length];
            for (int i = 0; i < LoaderData.Length; i++)
                all[i] = LoaderData[i];
            for (int i = 0; i < Modules.Length; i++)
                all[LoaderData.Length + i] = Modules[i].Range;
            return all;
        }
    }
}
