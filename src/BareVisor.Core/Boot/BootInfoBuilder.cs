// Runs at boot, may allocate. Collects what a Multiboot parser finds, then freezes it into a BootInfo.
using System;
using System.Collections.Generic;
using BareVisor.Core.Memory;

namespace BareVisor.Core.Boot
{
    internal sealed class BootInfoBuilder
    {
        private const ulong OneMiB = 0x100000;
        private const uint MaxLowerMemoryKiB = 640; // conventional memory ends at 640 KiB

        public string CommandLine = "";
        public string BootLoaderName = "";
        public HostPhysical Rsdp;
        public readonly List<MemoryRegion> Regions = new List<MemoryRegion>();
        public readonly List<BootModule> Modules = new List<BootModule>();
        public readonly List<PhysicalRange> LoaderData = new List<PhysicalRange>();

        public bool HasBasicMemory;
        public uint MemLowerKiB;
        public uint MemUpperKiB;

        public void AddRegion(ulong baseAddress, ulong length, uint type)
        {
            // Zero-length entries carry no memory; some firmware reports them anyway.
            if (length != 0)
                Regions.Add(new MemoryRegion(new HostPhysical(baseAddress), length, (MemoryType)type));
        }

        public BootInfo Build(string protocol, PhysicalRange infoBlock)
        {
            if (Regions.Count == 0 && HasBasicMemory)
                AddBasicMemoryRegions();
            BootInfo info = new BootInfo();
            info.Protocol = protocol;
            info.CommandLine = CommandLine;
            info.BootLoaderName = BootLoaderName;
            info.MemoryMap = Regions.ToArray();
            info.Modules = Modules.ToArray();
            info.Rsdp = Rsdp;
            info.InfoBlock = infoBlock;
            info.LoaderData = LoaderData.ToArray();
            info.UsableBytes = SumUsable(info.MemoryMap);
            return info;
        }

        // Without a memory map, mem_lower is memory from 0 and mem_upper memory from 1 MiB (both in KiB).
        private void AddBasicMemoryRegions()
        {
            ulong lower = Math.Min(MemLowerKiB, MaxLowerMemoryKiB);
            AddRegion(0, lower * 1024, (uint)MemoryType.Usable);
            AddRegion(OneMiB, (ulong)MemUpperKiB * 1024, (uint)MemoryType.Usable);
        }

        private static ulong SumUsable(MemoryRegion[] map)
        {
            ulong total = 0;
            for (int i = 0; i < map.Length; i++)
            {
                if (map[i].Type == MemoryType.Usable)
                    total += map[i].Range.Length;
            }
            return total;
        }
    }
}
