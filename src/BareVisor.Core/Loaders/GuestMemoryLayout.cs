// Pure logic; no hardware. The guest's physical memory as its loader describes it to the guest
// (the e820 table, the Multiboot memory map). Built at guest set-up; allocates.
using System.Collections.Generic;
using BareVisor.Core.Boot;
using BareVisor.Core.Memory;

namespace BareVisor.Core.Loaders
{
    /// <summary>One entry of the guest's memory map: [Start, Start + Length) of one e820 type.</summary>
    public readonly struct GuestMemoryRange
    {
        public readonly GuestPhysical Start;
        public readonly ulong Length;
        public readonly MemoryType Type;

        public GuestMemoryRange(GuestPhysical start, ulong length, MemoryType type)
        {
            Start = start;
            Length = length;
            Type = type;
        }

        public GuestPhysical End => Start + Length;
    }

    /// <summary>
    /// RAM ranges and reserved ranges as the caller (the VM's platform) knows them. A reserved range
    /// over RAM cuts it out of the RAM; RAM ranges must not overlap each other, nor reserved ranges
    /// each other. <see cref="TryBuild"/> gives the sorted map with touching entries of one type merged.
    /// </summary>
    public sealed class GuestMemoryLayout
    {
        /// <summary>The zero page holds 128 e820 entries; Multiboot maps are kept to the same.</summary>
        public const int MaxEntries = 128;

        public const ulong LowRamEnd = 0x9FC00;      // conventional memory, then a 1 KiB EBDA
        public const ulong BiosAreaStart = 0xE0000;  // the BIOS area up to 1 MiB (BareVisor's ACPI tables)
        public const ulong HighRamStart = 0x100000;
        public const ulong PciHoleStart = 0xC0000000; // StandardPc puts RAM beyond 3 GiB above 4 GiB
        public const ulong FourGiB = 0x100000000;

        private readonly List<GuestMemoryRange> _ram = new List<GuestMemoryRange>();
        private readonly List<GuestMemoryRange> _reserved = new List<GuestMemoryRange>();

        public GuestMemoryLayout AddRam(GuestPhysical start, ulong length)
        {
            _ram.Add(new GuestMemoryRange(start, length, MemoryType.Usable));
            return this;
        }

        public GuestMemoryLayout AddReserved(GuestPhysical start, ulong length, MemoryType type)
        {
            _reserved.Add(new GuestMemoryRange(start, length, type));
            return this;
        }

        /// <summary>
        /// A PC's layout for ramBytes of RAM from guest-physical 0: usable [0, 0x9FC00), reserved
        /// EBDA [0x9FC00, 0xA0000) and BIOS area [0xE0000, 1 MiB), usable from 1 MiB. RAM beyond
        /// 3 GiB is placed from 4 GiB up, leaving [3 GiB, 4 GiB) to devices.
        /// </summary>
        public static GuestMemoryLayout StandardPc(ulong ramBytes)
        {
            GuestMemoryLayout layout = new GuestMemoryLayout();
            layout.AddRam(new GuestPhysical(0), ramBytes < LowRamEnd ? ramBytes : LowRamEnd);
            if (ramBytes > LowRamEnd)
                layout.AddReserved(new GuestPhysical(LowRamEnd), 0xA0000 - LowRamEnd, MemoryType.Reserved);
            layout.AddReserved(new GuestPhysical(BiosAreaStart), HighRamStart - BiosAreaStart, MemoryType.Reserved);
            if (ramBytes > HighRamStart)
            {
                ulong below = ramBytes < PciHoleStart ? ramBytes : PciHoleStart;
                layout.AddRam(new GuestPhysical(HighRamStart), below - HighRamStart);
                if (ramBytes > PciHoleStart)
                    layout.AddRam(new GuestPhysical(FourGiB), ramBytes - PciHoleStart);
            }
            return layout;
        }

        public bool TryBuild(out GuestMemoryRange[] map, out string error)
        {
            map = null;
            if (!TryCheck(_ram, "RAM", out error) || !TryCheck(_reserved, "reserved", out error))
                return false;
            List<GuestMemoryRange> entries = new List<GuestMemoryRange>();
            bool anyRam = false;
            for (int i = 0; i < _ram.Count; i++)
                anyRam |= AddRamPieces(_ram[i], entries);
            if (!anyRam)
                return LoaderText.Fail("memory map: no usable RAM", out error);
            for (int i = 0; i < _reserved.Count; i++)
            {
                if (_reserved[i].Length != 0)
                    entries.Add(_reserved[i]);
            }
            SortByStart(entries);
            List<GuestMemoryRange> merged = Merge(entries);
            if (merged.Count > MaxEntries)
                return LoaderText.Fail("memory map: " + LoaderText.Dec((ulong)merged.Count) + " entries exceed the 128 the zero page holds", out error);
            map = merged.ToArray();
            return true;
        }

        /// <summary>True if [start, start + length) lies inside one usable entry of the map.</summary>
        public static bool IsUsable(GuestMemoryRange[] map, ulong start, ulong length)
        {
            ulong end = start + length;
            if (end < start)
                return false;
            for (int i = 0; i < map.Length; i++)
            {
                if (map[i].Type == MemoryType.Usable && start >= map[i].Start.Value && end <= map[i].End.Value)
                    return true;
            }
            return false;
        }

        private static bool TryCheck(List<GuestMemoryRange> ranges, string kind, out string error)
        {
            for (int i = 0; i < ranges.Count; i++)
            {
                GuestMemoryRange a = ranges[i];
                if (a.Start.Value + a.Length < a.Start.Value)
                    return LoaderText.Fail("memory map: " + kind + " range at " + LoaderText.Hex(a.Start.Value) + " wraps past the top of the address space", out error);
                if (kind == "reserved" && a.Type == MemoryType.Usable)
                    return LoaderText.Fail("memory map: reserved range at " + LoaderText.Hex(a.Start.Value) + " has type 1 (usable)", out error);
                for (int j = 0; j < i; j++)
                {
                    GuestMemoryRange b = ranges[j];
                    if (a.Length != 0 && b.Length != 0 && a.Start < b.End && b.Start < a.End)
                        return LoaderText.Fail("memory map: " + kind + " ranges " + LoaderText.Range(b.Start.Value, b.End.Value)
                            + " and " + LoaderText.Range(a.Start.Value, a.End.Value) + " overlap", out error);
                }
            }
            error = null;
            return true;
        }

        // Adds what is left of one RAM range after every reserved range is cut out of it.
        private bool AddRamPieces(GuestMemoryRange ram, List<GuestMemoryRange> entries)
        {
            List<GuestMemoryRange> pieces = new List<GuestMemoryRange>();
            if (ram.Length != 0)
                pieces.Add(ram);
            for (int r = 0; r < _reserved.Count; r++)
                pieces = CutOut(pieces, _reserved[r]);
            for (int i = 0; i < pieces.Count; i++)
                entries.Add(pieces[i]);
            return pieces.Count != 0;
        }

        private static List<GuestMemoryRange> CutOut(List<GuestMemoryRange> pieces, GuestMemoryRange hole)
        {
            List<GuestMemoryRange> result = new List<GuestMemoryRange>();
            for (int i = 0; i < pieces.Count; i++)
            {
                GuestMemoryRange p = pieces[i];
                if (hole.Length == 0 || hole.End <= p.Start || p.End <= hole.Start)
                {
                    result.Add(p);
                    continue;
                }
                if (hole.Start > p.Start)
                    result.Add(new GuestMemoryRange(p.Start, hole.Start - p.Start, MemoryType.Usable));
                if (hole.End < p.End)
                    result.Add(new GuestMemoryRange(hole.End, p.End - hole.End, MemoryType.Usable));
            }
            return result;
        }

        private static void SortByStart(List<GuestMemoryRange> entries)
        {
            for (int i = 1; i < entries.Count; i++)
            {
                GuestMemoryRange item = entries[i];
                int j = i - 1;
                while (j >= 0 && entries[j].Start > item.Start)
                {
                    entries[j + 1] = entries[j];
                    j--;
                }
                entries[j + 1] = item;
            }
        }

        private static List<GuestMemoryRange> Merge(List<GuestMemoryRange> sorted)
        {
            List<GuestMemoryRange> merged = new List<GuestMemoryRange>();
            for (int i = 0; i < sorted.Count; i++)
            {
                GuestMemoryRange item = sorted[i];
                int last = merged.Count - 1;
                if (last >= 0 && merged[last].Type == item.Type && merged[last].End == item.Start)
                    merged[last] = new GuestMemoryRange(merged[last].Start, merged[last].Length + item.Length, item.Type);
                else
                    merged.Add(item);
            }
            return merged;
        }
    }
}
