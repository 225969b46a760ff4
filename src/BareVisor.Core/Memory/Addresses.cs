// Pure logic; no hardware. Strong address types so a guest address is never passed where a host one is expected.
namespace BareVisor.Core.Memory
{
    /// <summary>A host physical address (what the CPU puts on the memory bus in VMX root).</summary>
    public readonly struct HostPhysical
    {
        public readonly ulong Value;

        public HostPhysical(ulong v) { Value = v; }

        // Arithmetic wraps (unchecked), like the hardware's address arithmetic.
        public static HostPhysical operator +(HostPhysical a, ulong offset) => new HostPhysical(a.Value + offset);
        public static ulong operator -(HostPhysical a, HostPhysical b) => a.Value - b.Value;
        public static bool operator ==(HostPhysical a, HostPhysical b) => a.Value == b.Value;
        public static bool operator !=(HostPhysical a, HostPhysical b) => a.Value != b.Value;
        public static bool operator <(HostPhysical a, HostPhysical b) => a.Value < b.Value;
        public static bool operator >(HostPhysical a, HostPhysical b) => a.Value > b.Value;
        public static bool operator <=(HostPhysical a, HostPhysical b) => a.Value <= b.Value;
        public static bool operator >=(HostPhysical a, HostPhysical b) => a.Value >= b.Value;

        public override bool Equals(object obj) => obj is HostPhysical other && other.Value == Value;
        public override int GetHashCode() => AddressMath.Hash(Value);

        public bool IsPageAligned => (Value & 0xFFF) == 0;

        /// <summary>Rounds down to a power-of-two alignment.</summary>
        public HostPhysical AlignDown(ulong alignment) => new HostPhysical(AddressMath.AlignDown(Value, alignment));

        /// <summary>Rounds up to a power-of-two alignment (wraps to 0 at the top of the address space).</summary>
        public HostPhysical AlignUp(ulong alignment) => new HostPhysical(AddressMath.AlignUp(Value, alignment));
    }

    /// <summary>A host virtual address (what the hypervisor's own code dereferences).</summary>
    public readonly struct HostVirtual
    {
        public readonly ulong Value;

        public HostVirtual(ulong v) { Value = v; }

        public static HostVirtual operator +(HostVirtual a, ulong offset) => new HostVirtual(a.Value + offset);
        public static ulong operator -(HostVirtual a, HostVirtual b) => a.Value - b.Value;
        public static bool operator ==(HostVirtual a, HostVirtual b) => a.Value == b.Value;
        public static bool operator !=(HostVirtual a, HostVirtual b) => a.Value != b.Value;
        public static bool operator <(HostVirtual a, HostVirtual b) => a.Value < b.Value;
        public static bool operator >(HostVirtual a, HostVirtual b) => a.Value > b.Value;
        public static bool operator <=(HostVirtual a, HostVirtual b) => a.Value <= b.Value;
        public static bool operator >=(HostVirtual a, HostVirtual b) => a.Value >= b.Value;

        public override bool Equals(object obj) => obj is HostVirtual other && other.Value == Value;
        public override int GetHashCode() => AddressMath.Hash(Value);

        public bool IsPageAligned => (Value & 0xFFF) == 0;
        public HostVirtual AlignDown(ulong alignment) => new HostVirtual(AddressMath.AlignDown(Value, alignment));
        public HostVirtual AlignUp(ulong alignment) => new HostVirtual(AddressMath.AlignUp(Value, alignment));
    }

    /// <summary>A guest physical address (translated to a host physical address by EPT).</summary>
    public readonly struct GuestPhysical
    {
        public readonly ulong Value;

        public GuestPhysical(ulong v) { Value = v; }

        public static GuestPhysical operator +(GuestPhysical a, ulong offset) => new GuestPhysical(a.Value + offset);
        public static ulong operator -(GuestPhysical a, GuestPhysical b) => a.Value - b.Value;
        public static bool operator ==(GuestPhysical a, GuestPhysical b) => a.Value == b.Value;
        public static bool operator !=(GuestPhysical a, GuestPhysical b) => a.Value != b.Value;
        public static bool operator <(GuestPhysical a, GuestPhysical b) => a.Value < b.Value;
        public static bool operator >(GuestPhysical a, GuestPhysical b) => a.Value > b.Value;
        public static bool operator <=(GuestPhysical a, GuestPhysical b) => a.Value <= b.Value;
        public static bool operator >=(GuestPhysical a, GuestPhysical b) => a.Value >= b.Value;

        public override bool Equals(object obj) => obj is GuestPhysical other && other.Value == Value;
        public override int GetHashCode() => AddressMath.Hash(Value);

        public bool IsPageAligned => (Value & 0xFFF) == 0;
        public GuestPhysical AlignDown(ulong alignment) => new GuestPhysical(AddressMath.AlignDown(Value, alignment));
        public GuestPhysical AlignUp(ulong alignment) => new GuestPhysical(AddressMath.AlignUp(Value, alignment));
    }

    /// <summary>Half-open range [Start, End) of host physical memory.</summary>
    public readonly struct PhysicalRange
    {
        public readonly HostPhysical Start;
        public readonly HostPhysical End;

        public PhysicalRange(HostPhysical start, HostPhysical end)
        {
            Start = start;
            // An inverted range is treated as empty rather than wrapping into a huge one.
            End = end < start ? start : end;
        }

        /// <summary>The range [start, start + length), clamped at the top of the address space.</summary>
        public static PhysicalRange FromLength(HostPhysical start, ulong length)
        {
            ulong end = start.Value + length;
            if (end < start.Value)
                end = ulong.MaxValue;
            return new PhysicalRange(start, new HostPhysical(end));
        }

        public ulong Length => End.Value - Start.Value;
        public bool IsEmpty => End.Value == Start.Value;

        public bool Overlaps(PhysicalRange other) =>
            !IsEmpty && !other.IsEmpty && Start < other.End && other.Start < End;

        public bool Contains(HostPhysical address) => address >= Start && address < End;
    }

    /// <summary>Shared helpers for the address types; the hash avoids relying on the runtime's ulong.GetHashCode.</summary>
    internal static class AddressMath
    {
        public static int Hash(ulong value) => (int)value ^ (int)(value >> 32);
        public static ulong AlignDown(ulong value, ulong alignment) => value & ~(alignment - 1);
        public static ulong AlignUp(ulong value, ulong alignment) => (value + alignment - 1) & ~(alignment - 1);
    }
}
