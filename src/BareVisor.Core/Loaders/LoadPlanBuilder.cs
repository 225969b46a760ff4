// Pure logic; no hardware. Collects a loader's segments and warnings, then checks that every
// segment lies in usable guest RAM and that no two overlap. Runs at guest set-up; allocates.
using System.Collections.Generic;
using BareVisor.Core.Guests;
using BareVisor.Core.Memory;

namespace BareVisor.Core.Loaders
{
    internal sealed class LoadPlanBuilder
    {
        private readonly List<LoadSegment> _segments = new List<LoadSegment>();
        private readonly List<string> _warnings = new List<string>();

        public readonly StartState Start = new StartState();

        public void AddImage(string name, ulong address, ulong offset, ulong length, ulong zeroFill) =>
            Add(new LoadSegment(name, new GuestPhysical(address), LoadSource.Image, -1, null, offset, length, zeroFill));

        public void AddModule(string name, ulong address, int index, ulong length) =>
            Add(new LoadSegment(name, new GuestPhysical(address), LoadSource.Module, index, null, 0, length, 0));

        public void AddGenerated(string name, ulong address, byte[] data) =>
            Add(new LoadSegment(name, new GuestPhysical(address), LoadSource.Generated, -1, data, 0, (ulong)data.Length, 0));

        /// <summary>length zero bytes at address (no source bytes): a stack or other scratch area.</summary>
        public void AddZeroFill(string name, ulong address, ulong length) =>
            Add(new LoadSegment(name, new GuestPhysical(address), LoadSource.Generated, -1, new byte[0], 0, 0, length));

        public void Warn(string warning) => _warnings.Add(warning);

        /// <summary>Every segment placed so far, as ranges placement must avoid.</summary>
        public List<Occupied> OccupiedRanges()
        {
            List<Occupied> list = new List<Occupied>();
            for (int i = 0; i < _segments.Count; i++)
                list.Add(new Occupied(_segments[i].Address.Value, _segments[i].End.Value));
            return list;
        }

        /// <summary>
        /// The GDT at BootAddresses.Gdt, the boot stack below BootAddresses.StackTop, and for long mode
        /// the identity map at BootAddresses.PageTables; the start state's GDTR, selectors, CR3 and RSP follow.
        /// </summary>
        public void AddBootTables(GuestStartMode mode)
        {
            bool longMode = mode == GuestStartMode.Long;
            if (longMode)
            {
                AddGenerated("page tables", BootAddresses.PageTables, BootTables.IdentityPageTables());
                Start.Cr3 = BootAddresses.PageTables;
            }
            AddGenerated("GDT", BootAddresses.Gdt, BootTables.Gdt(longMode));
            AddZeroFill("boot stack", BootAddresses.StackBottom, BootAddresses.StackTop - BootAddresses.StackBottom);
            Start.Mode = mode;
            Start.GdtBase = new GuestPhysical(BootAddresses.Gdt);
            Start.GdtLimit = BootAddresses.GdtLimit;
            Start.CodeSelector = BootAddresses.CodeSelector;
            Start.DataSelector = BootAddresses.DataSelector;
            Start.Rsp = BootAddresses.StackTop;
        }

        /// <summary>errorPrefix names the format in messages, e.g. "bzImage" or "Multiboot1".</summary>
        public bool TryFinish(string format, string errorPrefix, GuestMemoryRange[] map, out LoadPlan plan, out string error)
        {
            plan = null;
            for (int i = 0; i < _segments.Count; i++)
            {
                LoadSegment a = _segments[i];
                if (a.End.Value < a.Address.Value)
                    return LoaderText.Fail(errorPrefix + ": " + a.Name + " at " + LoaderText.Hex(a.Address.Value) + " wraps past the top of the address space", out error);
                if (!GuestMemoryLayout.IsUsable(map, a.Address.Value, a.MemoryLength))
                    return LoaderText.Fail(errorPrefix + ": " + a.Name + " at " + Describe(a) + " is not inside usable guest RAM", out error);
                for (int j = 0; j < i; j++)
                {
                    LoadSegment b = _segments[j];
                    if (a.Address < b.End && b.Address < a.End)
                        return LoaderText.Fail(errorPrefix + ": " + a.Name + " at " + Describe(a) + " overlaps " + b.Name + " at " + Describe(b), out error);
                }
            }
            plan = new LoadPlan
            {
                Format = format,
                Segments = _segments.ToArray(),
                Start = Start,
                MemoryMap = map,
                Warnings = _warnings.ToArray(),
            };
            error = null;
            return true;
        }

        private void Add(LoadSegment segment)
        {
            // A segment with nothing to write (an empty PT_LOAD, an empty module) needs no room.
            if (segment.MemoryLength != 0)
                _segments.Add(segment);
        }

        private static string Describe(LoadSegment s) => LoaderText.Range(s.Address.Value, s.End.Value);
    }
}
