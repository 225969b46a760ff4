// Host test code. The guest memory map loaders hand to guests.
using BareVisor.Core.Boot;
using BareVisor.Core.Loaders;
using BareVisor.Core.Memory;

namespace BareVisor.Core.Tests.Loaders
{
    public class GuestMemoryLayoutTests
    {
        private static GuestMemoryRange[] Build(GuestMemoryLayout layout)
        {
            Assert.True(layout.TryBuild(out GuestMemoryRange[] map, out string error), error);
            return map;
        }

        private static string Error(GuestMemoryLayout layout)
        {
            Assert.False(layout.TryBuild(out GuestMemoryRange[] map, out string error));
            Assert.Null(map);
            return error;
        }

        private static (ulong, ulong, MemoryType)[] Entries(GuestMemoryRange[] map) =>
            System.Array.ConvertAll(map, r => (r.Start.Value, r.Length, r.Type));

        [Fact]
        public void StandardPcBelowThreeGiB()
        {
            Assert.Equal(new[]
            {
                (0UL, 0x9FC00UL, MemoryType.Usable), (0x9FC00UL, 0x400UL, MemoryType.Reserved),
                (0xE0000UL, 0x20000UL, MemoryType.Reserved), (0x100000UL, (64UL << 20) - 0x100000, MemoryType.Usable),
            }, Entries(Build(GuestMemoryLayout.StandardPc(64UL << 20))));
        }

        [Fact]
        public void StandardPcAboveThreeGiBContinuesAtFourGiB()
        {
            GuestMemoryRange[] map = Build(GuestMemoryLayout.StandardPc(4UL << 30));
            Assert.Equal(5, map.Length);
            Assert.Equal((0x100000UL, 0xC0000000UL - 0x100000, MemoryType.Usable), Entries(map)[3]);
            Assert.Equal((0x100000000UL, 1UL << 30, MemoryType.Usable), Entries(map)[4]);
        }

        [Fact]
        public void ReservedRangesAreCutOutOfRamAndTheMapIsSorted()
        {
            GuestMemoryLayout layout = new GuestMemoryLayout()
                .AddReserved(new GuestPhysical(0x3000), 0x1000, MemoryType.AcpiNvs)
                .AddRam(new GuestPhysical(0x10000), 0x10000)
                .AddRam(new GuestPhysical(0), 0x10000)
                .AddReserved(new GuestPhysical(0xFEC00000), 0x1000, MemoryType.Reserved);
            Assert.Equal(new[]
            {
                (0UL, 0x3000UL, MemoryType.Usable), (0x3000UL, 0x1000UL, MemoryType.AcpiNvs),
                (0x4000UL, 0x1C000UL, MemoryType.Usable), (0xFEC00000UL, 0x1000UL, MemoryType.Reserved),
            }, Entries(Build(layout)));
        }

        [Fact]
        public void ZeroLengthRangesAreDropped()
        {
            GuestMemoryLayout layout = new GuestMemoryLayout().AddRam(new GuestPhysical(0), 0x1000).AddRam(new GuestPhysical(0x5000), 0)
                .AddReserved(new GuestPhysical(0x800), 0, MemoryType.Reserved);
            Assert.Single(Build(layout));
        }

        [Fact]
        public void IsUsableNeedsOneUsableEntry()
        {
            GuestMemoryRange[] map = Build(GuestMemoryLayout.StandardPc(64UL << 20));
            Assert.True(GuestMemoryLayout.IsUsable(map, 0x7C00, 0x200));
            Assert.False(GuestMemoryLayout.IsUsable(map, 0x9FB00, 0x200));   // runs into the EBDA
            Assert.False(GuestMemoryLayout.IsUsable(map, 0xA0000, 0x10));    // the hole
            Assert.True(GuestMemoryLayout.IsUsable(map, 0x100000, (64UL << 20) - 0x100000));
            Assert.False(GuestMemoryLayout.IsUsable(map, 0x100000, 64UL << 20));
            Assert.False(GuestMemoryLayout.IsUsable(map, ulong.MaxValue - 4, 0x10)); // wraps
        }

        [Fact]
        public void OverlappingRam() =>
            Assert.Equal("memory map: RAM ranges [0x0, 0x2000) and [0x1000, 0x3000) overlap",
                Error(new GuestMemoryLayout().AddRam(new GuestPhysical(0), 0x2000).AddRam(new GuestPhysical(0x1000), 0x2000)));

        [Fact]
        public void OverlappingReserved() =>
            Assert.Equal("memory map: reserved ranges [0x0, 0x2000) and [0x1000, 0x3000) overlap",
                Error(new GuestMemoryLayout().AddRam(new GuestPhysical(0), 0x10000)
                    .AddReserved(new GuestPhysical(0), 0x2000, MemoryType.Reserved)
                    .AddReserved(new GuestPhysical(0x1000), 0x2000, MemoryType.AcpiNvs)));

        [Fact]
        public void ReservedRangeOfTypeUsable() =>
            Assert.Equal("memory map: reserved range at 0x1000 has type 1 (usable)",
                Error(new GuestMemoryLayout().AddRam(new GuestPhysical(0), 0x10000).AddReserved(new GuestPhysical(0x1000), 0x10, MemoryType.Usable)));

        [Fact]
        public void WrappingRange() =>
            Assert.Equal("memory map: RAM range at 0xfffffffffffff000 wraps past the top of the address space",
                Error(new GuestMemoryLayout().AddRam(new GuestPhysical(0xFFFFFFFFFFFFF000), 0x2000)));

        [Fact]
        public void NoRam() =>
            Assert.Equal("memory map: no usable RAM",
                Error(new GuestMemoryLayout().AddRam(new GuestPhysical(0), 0x1000).AddReserved(new GuestPhysical(0), 0x1000, MemoryType.Reserved)));

        [Fact]
        public void MoreThan128Entries()
        {
            GuestMemoryLayout layout = new GuestMemoryLayout().AddRam(new GuestPhysical(0), 1UL << 30);
            for (ulong i = 0; i < 64; i++)
                layout.AddReserved(new GuestPhysical(0x100000 + i * 0x10000), 0x1000, MemoryType.Reserved);
            Assert.Equal("memory map: 129 entries exceed the 128 the zero page holds", Error(layout));
        }
    }
}
