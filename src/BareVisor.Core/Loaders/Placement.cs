// Pure logic; no hardware. Finding room in the guest's memory map for an initrd or a module.
using System.Collections.Generic;
using BareVisor.Core.Boot;

namespace BareVisor.Core.Loaders
{
    /// <summary>A half-open range [Start, End) of guest-physical memory that placement must avoid.</summary>
    internal readonly struct Occupied
    {
        public readonly ulong Start;
        public readonly ulong End;

        public Occupied(ulong start, ulong end)
        {
            Start = start;
            End = end;
        }
    }

    internal static class Placement
    {
        public const ulong PageSize = 4096;

        /// <summary>
        /// The highest page-aligned address a with [a, a + size) inside one usable range, below
        /// limit (exclusive), above minimum, and clear of every occupied range.
        /// </summary>
        public static bool TryPlaceHigh(GuestMemoryRange[] map, ulong size, ulong minimum, ulong limit,
            List<Occupied> occupied, out ulong address)
        {
            address = 0;
            bool found = false;
            for (int i = 0; i < map.Length; i++)
            {
                if (map[i].Type != MemoryType.Usable)
                    continue;
                // Candidate tops: the range's end, and the start of each occupied range inside it.
                TryTop(map[i], map[i].End.Value, size, minimum, limit, occupied, ref address, ref found);
                for (int k = 0; k < occupied.Count; k++)
                    TryTop(map[i], occupied[k].Start, size, minimum, limit, occupied, ref address, ref found);
            }
            return found;
        }

        /// <summary>The lowest page-aligned address at or above minimum that fits like TryPlaceHigh's.</summary>
        public static bool TryPlaceLow(GuestMemoryRange[] map, ulong size, ulong minimum, List<Occupied> occupied, out ulong address)
        {
            address = 0;
            bool found = false;
            for (int i = 0; i < map.Length; i++)
            {
                if (map[i].Type != MemoryType.Usable)
                    continue;
                TryBottom(map[i], map[i].Start.Value, size, minimum, occupied, ref address, ref found);
                for (int k = 0; k < occupied.Count; k++)
                    TryBottom(map[i], occupied[k].End, size, minimum, occupied, ref address, ref found);
            }
            return found;
        }

        private static void TryTop(GuestMemoryRange range, ulong top, ulong size, ulong minimum, ulong limit,
            List<Occupied> occupied, ref ulong best, ref bool found)
        {
            if (top > limit)
                top = limit;
            if (top > range.End.Value)
                top = range.End.Value;
            if (top < size)
                return;
            ulong candidate = (top - size) & ~(PageSize - 1);
            if (candidate < range.Start.Value || candidate < minimum)
                return;
            if (IsFree(candidate, size, occupied) && (!found || candidate > best))
            {
                best = candidate;
                found = true;
            }
        }

        private static void TryBottom(GuestMemoryRange range, ulong bottom, ulong size, ulong minimum,
            List<Occupied> occupied, ref ulong best, ref bool found)
        {
            if (bottom < minimum)
                bottom = minimum;
            if (bottom < range.Start.Value)
                bottom = range.Start.Value;
            ulong candidate = (bottom + PageSize - 1) & ~(PageSize - 1);
            if (candidate < bottom || candidate + size < candidate || candidate + size > range.End.Value)
                return;
            if (IsFree(candidate, size, occupied) && (!found || candidate < best))
            {
                best = candidate;
                found = true;
            }
        }

        private static bool IsFree(ulong start, ulong size, List<Occupied> occupied)
        {
            ulong end = start + size;
            for (int i = 0; i < occupied.Count; i++)
            {
                if (start < occupied[i].End && occupied[i].Start < end)
                    return false;
            }
            return true;
        }
    }
}
