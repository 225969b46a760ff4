// Host test code.
using System;
using System.Collections.Generic;
using BareVisor.Core.Boot;
using BareVisor.Core.Memory;

namespace BareVisor.Core.Tests.Memory
{
    public class PhysicalPageAllocatorTests
    {
        private const ulong Page = PhysicalPageAllocator.PageSize;
        private const ulong MiB = 1UL << 20;

        private static MemoryRegion Region(ulong start, ulong length, MemoryType type) =>
            new MemoryRegion(new HostPhysical(start), length, type);

        private static PhysicalRange Range(ulong start, ulong end) =>
            new PhysicalRange(new HostPhysical(start), new HostPhysical(end));

        private static MemoryRegion[] TypicalMap() => new[]
        {
            Region(0, 0x9FC00, MemoryType.Usable),
            Region(0x9FC00, 0x400, MemoryType.Reserved),
            Region(0xF0000, 0x10000, MemoryType.Reserved),
            Region(MiB, 127 * MiB, MemoryType.Usable),
            Region(128 * MiB, 0x20000, MemoryType.AcpiReclaimable),
            Region(0xFFFC0000, 0x40000, MemoryType.Reserved),
        };

        [Fact]
        public void TypicalMapMinusLowMemoryAndReservedRanges()
        {
            PhysicalPageAllocator a = new PhysicalPageAllocator(TypicalMap(), new[] { Range(MiB, 3 * MiB), Range(0x300000, 0x300800) });
            PhysicalRange[] free = a.FreeRanges();
            Assert.Single(free);
            Assert.Equal(0x301000UL, free[0].Start.Value);
            Assert.Equal(128 * MiB, free[0].End.Value);
            Assert.Equal((128 * MiB - 0x301000) / Page, a.FreePages);
            Assert.Equal(0x9F000UL + 127 * MiB, a.UsableBytes);
        }

        [Fact]
        public void NeverHandsOutMemoryBelowOneMiB()
        {
            PhysicalPageAllocator a = new PhysicalPageAllocator(new[] { Region(0, 2 * MiB, MemoryType.Usable) }, null);
            Assert.Equal(MiB / Page, a.FreePages);
            for (int i = 0; i < 256; i++)
                Assert.True(a.AllocatePage().Value >= MiB);
            Assert.False(a.TryAllocate(1, Page, out _));
        }

        [Fact]
        public void LowPagesComeFromUsableMemoryBelowOneMiBOutsideReservedRanges()
        {
            PhysicalPageAllocator a = new PhysicalPageAllocator(TypicalMap(), new[] { Range(0x9E000, 0x9E800) });
            ulong freeBefore = a.FreePages;
            Assert.True(a.TryAllocateLowPage(out HostPhysical first));
            Assert.Equal(0x9D000UL, first.Value);   // 0x9F000 is partly reserved by the map, 0x9E000 by the caller
            Assert.True(a.TryAllocateLowPage(out HostPhysical second));
            Assert.Equal(0x9C000UL, second.Value);
            Assert.Equal(freeBefore, a.FreePages);
        }

        [Fact]
        public void LowPagesNeverIncludePageZero()
        {
            PhysicalPageAllocator a = new PhysicalPageAllocator(new[] { Region(0, 2 * Page, MemoryType.Usable), Region(MiB, MiB, MemoryType.Usable) }, null);
            Assert.True(a.TryAllocateLowPage(out HostPhysical page));
            Assert.Equal(Page, page.Value);
            Assert.False(a.TryAllocateLowPage(out _));
        }

        [Fact]
        public void RegionsShrinkInwardToPages()
        {
            PhysicalPageAllocator a = new PhysicalPageAllocator(new[] { Region(MiB + 1, 3 * Page, MemoryType.Usable) }, null);
            PhysicalRange[] free = a.FreeRanges();
            Assert.Equal(MiB + Page, free[0].Start.Value);
            Assert.Equal(MiB + 3 * Page, free[0].End.Value);
            Assert.Equal(2 * Page, a.UsableBytes);
        }

        [Fact]
        public void ReservedWinsOverUsableAndUnsortedDuplicatesAreHandled()
        {
            MemoryRegion[] map =
            {
                Region(4 * MiB, 4 * MiB, MemoryType.Usable),
                Region(2 * MiB, 4 * MiB, MemoryType.Usable),
                Region(5 * MiB + 10, 1, MemoryType.Reserved),          // one byte poisons its page
                Region(2 * MiB, 4 * MiB, MemoryType.Usable),           // duplicate
                Region(7 * MiB, MiB, MemoryType.BadMemory),
            };
            PhysicalPageAllocator a = new PhysicalPageAllocator(map, Array.Empty<PhysicalRange>());
            PhysicalRange[] free = a.FreeRanges();
            Assert.Equal(2, free.Length);
            Assert.Equal(Range(2 * MiB, 5 * MiB).End, free[0].End);
            Assert.Equal(5 * MiB + Page, free[1].Start.Value);
            Assert.Equal(7 * MiB, free[1].End.Value);
        }

        [Fact]
        public void ScalesToATerabyte()
        {
            PhysicalPageAllocator a = new PhysicalPageAllocator(new[] { Region(0, 1UL << 40, MemoryType.Usable) }, null);
            Assert.Equal(((1UL << 40) - MiB) / Page, a.FreePages);
            Assert.True(a.TryAllocate((1UL << 30) / Page, 1UL << 30, out HostPhysical gib));
            Assert.Equal(1UL << 30, gib.Value);
            Assert.Equal(2, a.FreeRanges().Length);
            a.Free(gib, (1UL << 30) / Page);
            Assert.Single(a.FreeRanges());
        }

        [Fact]
        public void RegionAtTheTopOfTheAddressSpaceDoesNotOverflow()
        {
            PhysicalPageAllocator a = new PhysicalPageAllocator(new[] { Region(ulong.MaxValue - 3 * Page, 4 * Page, MemoryType.Usable) }, null);
            Assert.Equal(2UL, a.FreePages);
            Assert.True(a.TryAllocate(2, Page, out HostPhysical p));
            a.Free(p, 2);
        }

        [Fact]
        public void AlignmentAndArgumentChecks()
        {
            PhysicalPageAllocator a = new PhysicalPageAllocator(new[] { Region(MiB, 16 * MiB, MemoryType.Usable) }, null);
            Assert.True(a.TryAllocate(1, Page, out HostPhysical first));
            Assert.Equal(MiB, first.Value);
            Assert.True(a.TryAllocate(1, 2 * MiB, out HostPhysical aligned));
            Assert.Equal(2 * MiB, aligned.Value);
            Assert.True(a.TryAllocate(1, 0, out HostPhysical anyAlignment));
            Assert.Equal(MiB + Page, anyAlignment.Value);
            Assert.False(a.TryAllocate(1, 3 * Page, out _));
            Assert.False(a.TryAllocate(0, Page, out _));
            Assert.False(a.TryAllocate(ulong.MaxValue, Page, out _));
            Assert.False(a.TryAllocate(16 * MiB / Page, Page, out _));
        }

        [Fact]
        public void FreeMergesNeighbours()
        {
            PhysicalPageAllocator a = new PhysicalPageAllocator(new[] { Region(MiB, MiB, MemoryType.Usable) }, null);
            HostPhysical p1 = a.AllocatePage(), p2 = a.AllocatePage(), p3 = a.AllocatePage();
            a.Free(p2, 1);
            Assert.Equal(2, a.FreeRanges().Length);
            a.Free(p1, 1);
            a.Free(p3, 1);
            Assert.Single(a.FreeRanges());
            Assert.Equal(MiB / Page, a.FreePages);
        }

        [Fact]
        public void DoubleAndForeignFreesPanic()
        {
            PhysicalPageAllocator a = new PhysicalPageAllocator(new[] { Region(0, 4 * MiB, MemoryType.Usable) }, new[] { Range(2 * MiB, 3 * MiB) });
            HostPhysical p = a.AllocatePage();
            a.Free(p, 1);
            Assert.Throws<InvalidOperationException>(() => a.Free(p, 1));
            Assert.Throws<InvalidOperationException>(() => a.Free(new HostPhysical(0), 1));
            Assert.Throws<InvalidOperationException>(() => a.Free(new HostPhysical(2 * MiB), 1));
            Assert.Throws<InvalidOperationException>(() => a.Free(new HostPhysical(64 * MiB), 1));
            Assert.Throws<InvalidOperationException>(() => a.Free(new HostPhysical(MiB + 1), 1));
            Assert.Throws<InvalidOperationException>(() => a.Free(new HostPhysical(MiB), 0));
            // A range that starts in owned memory but runs into the reserved hole.
            HostPhysical last = new HostPhysical(2 * MiB - Page);
            Assert.True(a.TryAllocate(MiB / Page, Page, out HostPhysical block));
            Assert.Equal(MiB, block.Value);
            Assert.Throws<InvalidOperationException>(() => a.Free(last, 2));
        }

        [Fact]
        public void OutOfMemoryPanics()
        {
            PhysicalPageAllocator a = new PhysicalPageAllocator(new[] { Region(MiB, Page, MemoryType.Usable) }, null);
            a.AllocatePage();
            InvalidOperationException e = Assert.Throws<InvalidOperationException>(() => a.AllocatePage());
            Assert.Equal("out of physical memory", e.Message);
        }

        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        [InlineData(3)]
        [InlineData(4)]
        [InlineData(5)]
        [InlineData(6)]
        [InlineData(7)]
        [InlineData(8)]
        public void MatchesAReferenceModel(int seed)
        {
            Random random = new Random(seed);
            ReferenceModel model = ReferenceModel.Random(random, out MemoryRegion[] map, out PhysicalRange[] reserved);
            PhysicalPageAllocator a = new PhysicalPageAllocator(map, reserved);
            Assert.Equal(model.UsableBytes, a.UsableBytes);
            model.AssertSame(a);
            List<(ulong Start, ulong Pages)> held = new List<(ulong, ulong)>();
            for (int step = 0; step < 3000; step++)
            {
                if (held.Count > 0 && random.Next(3) == 0)
                    FreeOne(random, a, model, held);
                else
                    AllocateOne(random, a, model, held);
                if (step % 100 == 0)
                    model.AssertSame(a);
            }
            foreach ((ulong start, ulong pages) in held)
                a.Free(new HostPhysical(start), pages);
            Assert.Equal(model.OwnedPages, a.FreePages);
        }

        private static void AllocateOne(Random random, PhysicalPageAllocator a, ReferenceModel model, List<(ulong, ulong)> held)
        {
            ulong pages = (ulong)(random.Next(4) == 0 ? random.Next(1, 600) : random.Next(1, 9));
            ulong alignment = Page << random.Next(0, 10);
            bool ok = a.TryAllocate(pages, alignment, out HostPhysical start);
            long expected = model.LowestFit(pages, alignment);
            Assert.Equal(expected >= 0, ok);
            if (!ok)
                return;
            Assert.Equal((ulong)expected, start.Value);
            model.Take(start.Value, pages);
            held.Add((start.Value, pages));
        }

        private static void FreeOne(Random random, PhysicalPageAllocator a, ReferenceModel model, List<(ulong Start, ulong Pages)> held)
        {
            int index = random.Next(held.Count);
            (ulong start, ulong pages) = held[index];
            held.RemoveAt(index);
            a.Free(new HostPhysical(start), pages);
            model.Give(start, pages);
            if (random.Next(10) == 0)
                Assert.Throws<InvalidOperationException>(() => a.Free(new HostPhysical(start), pages));
        }

        /// <summary>One bool per page of a 64 MiB machine: the obviously-correct allocator.</summary>
        private sealed class ReferenceModel
        {
            private const int Pages = 64 * 256;
            private readonly bool[] owned = new bool[Pages];
            private readonly bool[] free = new bool[Pages];
            public ulong UsableBytes;
            public ulong OwnedPages;

            public static ReferenceModel Random(Random random, out MemoryRegion[] map, out PhysicalRange[] reserved)
            {
                map = new MemoryRegion[random.Next(1, 12)];
                for (int i = 0; i < map.Length; i++)
                {
                    ulong start = (ulong)random.Next(0, 64 << 20);
                    ulong length = (ulong)random.Next(1, 24 << 20);
                    MemoryType type = random.Next(3) == 0 ? (MemoryType)random.Next(2, 8) : MemoryType.Usable;
                    map[i] = new MemoryRegion(new HostPhysical(start), Math.Min(length, (64UL << 20) - start), type);
                }
                reserved = new PhysicalRange[random.Next(0, 5)];
                for (int i = 0; i < reserved.Length; i++)
                    reserved[i] = PhysicalRange.FromLength(new HostPhysical((ulong)random.Next(0, 64 << 20)), (ulong)random.Next(1, 4 << 20));
                return new ReferenceModel(map, reserved);
            }

            private ReferenceModel(MemoryRegion[] map, PhysicalRange[] reserved)
            {
                for (int p = 0; p < Pages; p++)
                {
                    ulong start = (ulong)p * Page, end = start + Page;
                    bool usable = false, poisoned = false;
                    foreach (MemoryRegion r in map)
                    {
                        ulong rs = r.Base.Value, re = rs + r.Length;
                        if (r.Type == MemoryType.Usable && rs <= start && end <= re) usable = true;
                        if (r.Type != MemoryType.Usable && rs < end && start < re) poisoned = true;
                    }
                    if (!usable || poisoned)
                        continue;
                    UsableBytes += Page;
                    bool isReserved = start < MiB;
                    foreach (PhysicalRange r in reserved)
                        isReserved |= r.Start.Value < end && start < r.End.Value;
                    owned[p] = free[p] = !isReserved;
                    if (!isReserved) OwnedPages++;
                }
            }

            public long LowestFit(ulong pages, ulong alignment)
            {
                for (ulong start = 0; start + pages * Page <= (ulong)Pages * Page; start += alignment)
                {
                    bool fits = true;
                    for (ulong p = start / Page; fits && p < start / Page + pages; p++)
                        fits = free[p];
                    if (fits)
                        return (long)start;
                }
                return -1;
            }

            public void Take(ulong start, ulong pages)
            {
                for (ulong p = start / Page; p < start / Page + pages; p++)
                {
                    Assert.True(free[p], "handed out a page that is not free");
                    free[p] = false;
                }
            }

            public void Give(ulong start, ulong pages)
            {
                for (ulong p = start / Page; p < start / Page + pages; p++)
                {
                    Assert.True(owned[p] && !free[p]);
                    free[p] = true;
                }
            }

            public void AssertSame(PhysicalPageAllocator a)
            {
                bool[] actual = new bool[Pages];
                foreach (PhysicalRange r in a.FreeRanges())
                {
                    Assert.True(r.Start.IsPageAligned && r.End.IsPageAligned && r.Length > 0);
                    for (ulong p = r.Start.Value / Page; p < r.End.Value / Page; p++)
                        actual[p] = true;
                }
                Assert.Equal(free, actual);
                ulong count = 0;
                foreach (bool f in free) if (f) count++;
                Assert.Equal(count, a.FreePages);
            }
        }
    }
}
