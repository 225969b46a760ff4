// Pure logic; no hardware; allocates only while it grows. A sorted set of page-granular extents for the page allocator.
using System.Collections.Generic;

namespace BareVisor.Core.Memory
{
    /// <summary>Half-open extent [Start, End) of physical addresses.</summary>
    internal struct Extent
    {
        public ulong Start;
        public ulong End;

        public Extent(ulong start, ulong end)
        {
            Start = start;
            End = end;
        }
    }

    /// <summary>
    /// Disjoint extents kept sorted by address and merged when they touch, so the set's size is
    /// the number of holes, not the amount of memory (scales to 1 TiB with a few entries).
    /// </summary>
    internal sealed class ExtentSet
    {
        private readonly List<Extent> items = new List<Extent>();

        public int Count => items.Count;
        public Extent this[int index] => items[index];

        public ulong TotalLength
        {
            get
            {
                ulong total = 0;
                for (int i = 0; i < items.Count; i++)
                    total += items[i].End - items[i].Start;
                return total;
            }
        }

        public ExtentSet Clone()
        {
            ExtentSet copy = new ExtentSet();
            for (int i = 0; i < items.Count; i++)
                copy.items.Add(items[i]);
            return copy;
        }

        /// <summary>Adds [start, end), merging with every extent it overlaps or touches.</summary>
        public void Add(ulong start, ulong end)
        {
            if (end <= start)
                return;
            int i = FirstEndingAtOrAfter(start);
            while (i < items.Count && items[i].Start <= end)
            {
                if (items[i].Start < start)
                    start = items[i].Start;
                if (items[i].End > end)
                    end = items[i].End;
                items.RemoveAt(i);
            }
            InsertAt(i, new Extent(start, end));
        }

        /// <summary>Removes [start, end), splitting extents that straddle its edges.</summary>
        public void Remove(ulong start, ulong end)
        {
            if (end <= start)
                return;
            int i = FirstEndingAtOrAfter(start + 1);
            while (i < items.Count && items[i].Start < end)
            {
                Extent extent = items[i];
                items.RemoveAt(i);
                if (extent.End > end)
                    InsertAt(i, new Extent(end, extent.End));
                if (extent.Start < start)
                    InsertAt(i++, new Extent(extent.Start, start));
            }
        }

        /// <summary>True if one extent covers all of [start, end).</summary>
        public bool Covers(ulong start, ulong end)
        {
            int i = FirstEndingAtOrAfter(start + 1);
            return i < items.Count && items[i].Start <= start && end <= items[i].End;
        }

        /// <summary>True if any extent shares an address with [start, end).</summary>
        public bool Overlaps(ulong start, ulong end)
        {
            int i = FirstEndingAtOrAfter(start + 1);
            return end > start && i < items.Count && items[i].Start < end;
        }

        // Binary search: the lowest index whose extent ends at or after address (Count if none).
        private int FirstEndingAtOrAfter(ulong address)
        {
            int low = 0;
            int high = items.Count;
            while (low < high)
            {
                int middle = low + (high - low) / 2;
                if (items[middle].End >= address)
                    high = middle;
                else
                    low = middle + 1;
            }
            return low;
        }

        // List<T>.Insert is not in the kernel runtime: append, then shift the tail up by one.
        private void InsertAt(int index, Extent extent)
        {
            items.Add(extent);
            for (int i = items.Count - 1; i > index; i--)
                items[i] = items[i - 1];
            items[index] = extent;
        }
    }
}
