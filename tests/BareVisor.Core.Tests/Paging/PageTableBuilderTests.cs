// Host test code.
using System;
using BareVisor.Core.Memory;
using BareVisor.Core.Paging;
using BareVisor.Core.Tests.Fakes;

namespace BareVisor.Core.Tests.Paging
{
    public class PageTableBuilderTests
    {
        private const ulong KiB4 = 0x1000, MiB2 = 0x200000, GiB1 = 0x40000000;
        private const PageFlags Rw = PageFlags.Writable;

        private readonly PageTableStore store = new PageTableStore();

        private PageTableBuilder<FakePageTableMemory> NewBuilder() =>
            new PageTableBuilder<FakePageTableMemory>(new FakePageTableMemory(store));

        private static (ulong Pa, PageFlags Flags) Translate(ref PageTableBuilder<FakePageTableMemory> b, ulong va)
        {
            Assert.True(b.TryTranslate(new HostVirtual(va), out HostPhysical pa, out PageFlags flags), "unmapped: 0x" + va.ToString("x"));
            return (pa.Value, flags);
        }

        private static bool IsMapped(ref PageTableBuilder<FakePageTableMemory> b, ulong va) =>
            b.TryTranslate(new HostVirtual(va), out _, out _);

        [Fact]
        public void MapsAndTranslates4KiBPages()
        {
            PageTableBuilder<FakePageTableMemory> b = NewBuilder();
            b.Map(new HostVirtual(0x40_0000), new HostPhysical(0x1234_5000), 3 * KiB4, Rw, allowLargePages: true);
            Assert.Equal(0x1234_5678UL, Translate(ref b, 0x40_0678).Pa);
            Assert.Equal(0x1234_7FFFUL, Translate(ref b, 0x40_2FFF).Pa);
            Assert.False(IsMapped(ref b, 0x40_3000));
            Assert.False(IsMapped(ref b, 0x3F_F000));
            PageFlags flags = Translate(ref b, 0x40_0000).Flags;
            Assert.Equal(PageFlags.Present | PageFlags.Writable, flags);
            Assert.Equal(4, store.Tables.Count); // PML4, PDPT, PD, PT
        }

        [Fact]
        public void UsesLargePagesWhenAlignedAndAllowed()
        {
            PageTableBuilder<FakePageTableMemory> b = NewBuilder();
            // [1 GiB - 2 MiB, 2 GiB + 2 MiB + 4 KiB): 2 MiB, then 1 GiB, then 2 MiB, then 4 KiB.
            b.Map(new HostVirtual(GiB1 - MiB2), new HostPhysical(GiB1 - MiB2), GiB1 + 2 * MiB2 + KiB4, Rw, true);
            Assert.True((Translate(ref b, GiB1 - 1).Flags & PageFlags.LargePage) != 0);
            Assert.True((Translate(ref b, GiB1 + 12345).Flags & PageFlags.LargePage) != 0);
            Assert.True((Translate(ref b, 2 * GiB1 + 5).Flags & PageFlags.LargePage) != 0);
            Assert.True((Translate(ref b, 2 * GiB1 + MiB2).Flags & PageFlags.LargePage) == 0);
            Assert.Equal(2 * GiB1 + MiB2 + 7, Translate(ref b, 2 * GiB1 + MiB2 + 7).Pa);
            Assert.Equal(5, store.Tables.Count); // PML4, PDPT, 2 PDs, 1 PT
            // Identity check across the whole range at 2 MiB steps.
            for (ulong va = GiB1 - MiB2; va < 2 * GiB1 + 2 * MiB2; va += MiB2)
                Assert.Equal(va + 0x123, Translate(ref b, va + 0x123).Pa);
        }

        [Fact]
        public void LargePagesCanBeDisallowed()
        {
            PageTableBuilder<FakePageTableMemory> b = NewBuilder();
            b.Map(new HostVirtual(0), new HostPhysical(0), 2 * MiB2, Rw, allowLargePages: false);
            Assert.True((Translate(ref b, MiB2).Flags & PageFlags.LargePage) == 0);
            Assert.Equal(5, store.Tables.Count);
        }

        [Fact]
        public void OneGiBPagesCanBeTurnedOff()
        {
            PageTableBuilder<FakePageTableMemory> b = NewBuilder();
            b.Use1GiBPages = false;
            b.Map(new HostVirtual(GiB1), new HostPhysical(GiB1), GiB1, Rw, true);
            Assert.True((Translate(ref b, GiB1).Flags & PageFlags.LargePage) != 0);
            Assert.Equal(3, store.Tables.Count); // PML4, PDPT, PD full of 2 MiB leaves
        }

        [Fact]
        public void MisalignedPhysicalAddressPreventsLargePages()
        {
            PageTableBuilder<FakePageTableMemory> b = NewBuilder();
            b.Map(new HostVirtual(MiB2), new HostPhysical(MiB2 + KiB4), MiB2, Rw, true);
            Assert.True((Translate(ref b, MiB2).Flags & PageFlags.LargePage) == 0);
            Assert.Equal(MiB2 + KiB4 + 0x10, Translate(ref b, MiB2 + 0x10).Pa);
        }

        [Fact]
        public void SplittingA2MiBPageKeepsTheRestOfTheMapping()
        {
            PageTableBuilder<FakePageTableMemory> b = NewBuilder();
            PageFlags cached = Rw | PageFlags.Global | PageFlags.WriteThrough;
            b.Map(new HostVirtual(0x4000_0000), new HostPhysical(0x8000_0000), MiB2, cached, true);
            b.Map(new HostVirtual(0x4000_5000), new HostPhysical(0xFEE0_0000), KiB4, Rw | PageFlags.CacheDisable | PageFlags.NoExecute, true);
            (ulong pa, PageFlags flags) = Translate(ref b, 0x4000_5010);
            Assert.Equal(0xFEE0_0010UL, pa);
            Assert.Equal(PageFlags.Present | Rw | PageFlags.CacheDisable | PageFlags.NoExecute, flags);
            for (ulong off = 0; off < MiB2; off += KiB4)
            {
                if (off == 0x5000) continue;
                (ulong p, PageFlags f) = Translate(ref b, 0x4000_0000 + off);
                Assert.Equal(0x8000_0000 + off, p);
                Assert.Equal(PageFlags.Present | cached, f); // no LargePage any more, attributes kept
            }
        }

        [Fact]
        public void SplittingA1GiBPageProduces2MiBPages()
        {
            PageTableBuilder<FakePageTableMemory> b = NewBuilder();
            b.Map(new HostVirtual(GiB1), new HostPhysical(4 * GiB1), GiB1, Rw, true);
            b.Map(new HostVirtual(GiB1 + 3 * MiB2), new HostPhysical(0x1000), KiB4, PageFlags.None, true);
            Assert.Equal(0x1000UL, Translate(ref b, GiB1 + 3 * MiB2).Pa);
            Assert.Equal(PageFlags.Present, Translate(ref b, GiB1 + 3 * MiB2).Flags);
            (ulong pa, PageFlags flags) = Translate(ref b, GiB1 + 7 * MiB2 + 99);
            Assert.Equal(4 * GiB1 + 7 * MiB2 + 99, pa);
            Assert.Equal(PageFlags.Present | Rw | PageFlags.LargePage, flags);
            Assert.Equal(4 * GiB1 + 3 * MiB2 + KiB4, Translate(ref b, GiB1 + 3 * MiB2 + KiB4).Pa);
        }

        [Fact]
        public void PatBitMovesWhenA2MiBPageIsSplit()
        {
            PageTableBuilder<FakePageTableMemory> b = NewBuilder();
            b.Map(new HostVirtual(0), new HostPhysical(0), MiB2, Rw, true);
            // Set PAT (bit 12) on the 2 MiB leaf by hand, as a caching-type change would.
            ulong pdpt = store.Tables[b.Root.Value][0] & 0x000F_FFFF_FFFF_F000;
            ulong pd = store.Tables[pdpt][0] & 0x000F_FFFF_FFFF_F000;
            store.Tables[pd][0] |= 1UL << 12;
            b.Map(new HostVirtual(0x1000), new HostPhysical(0x1000), KiB4, Rw, true);
            ulong pt = store.Tables[pd][0] & 0x000F_FFFF_FFFF_F000;
            Assert.Equal(0x2000UL | (1UL << 7) | 3, store.Tables[pt][2]);
        }

        [Fact]
        public void NoExecuteAndWritableAreEffectiveAndIntermediatesArePermissive()
        {
            PageTableBuilder<FakePageTableMemory> b = NewBuilder();
            b.Map(new HostVirtual(0x10_0000), new HostPhysical(0x10_0000), KiB4, PageFlags.NoExecute, true);
            b.Map(new HostVirtual(0x10_1000), new HostPhysical(0x10_1000), KiB4, Rw, true);
            Assert.Equal(PageFlags.Present | PageFlags.NoExecute, Translate(ref b, 0x10_0000).Flags);
            Assert.Equal(PageFlags.Present | Rw, Translate(ref b, 0x10_1000).Flags);
            ulong pml4e = store.Tables[b.Root.Value][0];
            Assert.Equal(3UL, pml4e & 0xFFF);
            Assert.Equal(0UL, pml4e >> 63);
        }

        [Fact]
        public void UserLeavesMakeTheirPathUserAccessible()
        {
            PageTableBuilder<FakePageTableMemory> b = NewBuilder();
            b.Map(new HostVirtual(0x20_0000), new HostPhysical(0x20_0000), KiB4, Rw, true);
            b.Map(new HostVirtual(0x20_1000), new HostPhysical(0x20_1000), KiB4, Rw | PageFlags.User, true);
            Assert.Equal(PageFlags.Present | Rw, Translate(ref b, 0x20_0000).Flags);
            Assert.Equal(PageFlags.Present | Rw | PageFlags.User, Translate(ref b, 0x20_1000).Flags);
        }

        [Fact]
        public void EffectiveRightsAreTheAndOfAllLevels()
        {
            PageTableBuilder<FakePageTableMemory> b = NewBuilder();
            b.Map(new HostVirtual(0x30_0000), new HostPhysical(0x30_0000), KiB4, Rw, true);
            store.Tables[b.Root.Value][0] &= ~(ulong)PageFlags.Writable;      // read-only PML4E
            store.Tables[b.Root.Value][0] |= (ulong)PageFlags.NoExecute;
            Assert.Equal(PageFlags.Present | PageFlags.NoExecute, Translate(ref b, 0x30_0000).Flags);
        }

        [Fact]
        public void PageZeroStaysUnmappedAroundALowIdentityMap()
        {
            PageTableBuilder<FakePageTableMemory> b = NewBuilder();
            b.Map(new HostVirtual(KiB4), new HostPhysical(KiB4), 4 * GiB1 - KiB4, Rw, true);
            Assert.False(IsMapped(ref b, 0));
            Assert.False(IsMapped(ref b, 0xFFF));
            Assert.Equal(KiB4, Translate(ref b, KiB4).Pa);
            Assert.True((Translate(ref b, MiB2).Flags & PageFlags.LargePage) != 0);
            Assert.True((Translate(ref b, 3 * GiB1).Flags & PageFlags.LargePage) != 0);
        }

        [Fact]
        public void UnmapPageZeroAfterALargeIdentityMap()
        {
            PageTableBuilder<FakePageTableMemory> b = NewBuilder();
            b.Map(new HostVirtual(0), new HostPhysical(0), 4 * GiB1, Rw, true);
            Assert.True(IsMapped(ref b, 0));
            Assert.True(b.TryUnmap(new HostVirtual(0), KiB4));
            Assert.False(IsMapped(ref b, 0));
            Assert.Equal(KiB4, Translate(ref b, KiB4).Pa);
            Assert.Equal(GiB1 - 1, Translate(ref b, GiB1 - 1).Pa);
            Assert.Equal(3 * GiB1, Translate(ref b, 3 * GiB1).Pa);
        }

        [Fact]
        public void UnmapWholeLargePagesAndSkipsHoles()
        {
            PageTableBuilder<FakePageTableMemory> b = NewBuilder();
            b.Map(new HostVirtual(0), new HostPhysical(0), 4 * MiB2, Rw, true);
            int tables = store.Tables.Count;
            Assert.True(b.TryUnmap(new HostVirtual(MiB2), GiB1));  // covers two 2 MiB leaves and unmapped space
            Assert.Equal(tables, store.Tables.Count);
            Assert.True(IsMapped(ref b, MiB2 - 1));
            Assert.False(IsMapped(ref b, MiB2));
            Assert.False(IsMapped(ref b, 3 * MiB2));
        }

        [Fact]
        public void HigherHalfAddressesWork()
        {
            PageTableBuilder<FakePageTableMemory> b = NewBuilder();
            ulong va = 0xFFFF_FFFF_8000_0000;
            b.Map(new HostVirtual(va), new HostPhysical(MiB2 * 8), MiB2, Rw | PageFlags.Global, true);
            Assert.Equal(MiB2 * 8 + 0x42, Translate(ref b, va + 0x42).Pa);
            Assert.Equal(511, Array.FindIndex(store.Tables[b.Root.Value], e => e != 0));
        }

        [Fact]
        public void BadRequestsAreRefused()
        {
            PageTableBuilder<FakePageTableMemory> b = NewBuilder();
            Assert.False(b.TryMap(new HostVirtual(0x1001), new HostPhysical(0), KiB4, Rw, true));
            Assert.False(b.TryMap(new HostVirtual(0x1000), new HostPhysical(0x10), KiB4, Rw, true));
            Assert.False(b.TryMap(new HostVirtual(0x1000), new HostPhysical(0), 100, Rw, true));
            Assert.False(b.TryMap(new HostVirtual(0x1000), new HostPhysical(0), 0, Rw, true));
            Assert.False(b.TryMap(new HostVirtual(0x0000_8000_0000_0000), new HostPhysical(0), KiB4, Rw, true));
            Assert.False(b.TryMap(new HostVirtual(0x0000_7FFF_FFFF_F000), new HostPhysical(0), 2 * KiB4, Rw, true));
            Assert.False(b.TryMap(new HostVirtual(0x1000), new HostPhysical(1UL << 52), KiB4, Rw, true));
            Assert.False(b.TryMap(new HostVirtual(0x1000), new HostPhysical((1UL << 52) - KiB4), 2 * KiB4, Rw, true));
            Assert.Single(store.Tables); // nothing was built
            Assert.Throws<InvalidOperationException>(() =>
            {
                PageTableBuilder<FakePageTableMemory> c = NewBuilder();
                c.Map(new HostVirtual(1), new HostPhysical(0), KiB4, Rw, true);
            });
            Assert.False(b.TryTranslate(new HostVirtual(0x0000_8000_0000_0000), out _, out _));
            Assert.False(b.TryUnmap(new HostVirtual(0x1800), KiB4));
            Assert.False(b.TryUnmap(new HostVirtual(0x0000_8000_0000_0000), KiB4));
        }

        [Fact]
        public void RemappingReplacesTheTarget()
        {
            PageTableBuilder<FakePageTableMemory> b = NewBuilder();
            b.Map(new HostVirtual(0), new HostPhysical(0), MiB2, Rw, false);
            b.Map(new HostVirtual(0), new HostPhysical(8 * MiB2), MiB2, PageFlags.None, true);
            // The existing page table is reused (not orphaned by a 2 MiB leaf).
            (ulong pa, PageFlags flags) = Translate(ref b, 0x5123);
            Assert.Equal(8 * MiB2 + 0x5123, pa);
            Assert.Equal(PageFlags.Present, flags);
            Assert.Equal(4, store.Tables.Count);
        }
    }
}
