// The guest's memory-mapped device space: guest-physical ranges claimed by MMIO devices. Nothing
// here is mapped by EPT, so every access faults and EptExit brings it here. An access must lie
// wholly inside one claim. Claiming happens at guest set-up; lookups are a short scan and never
// allocate.
using System.Collections.Generic;
using BareVisor.Core.Memory;

namespace BareVisor.Core.Devices
{
    public sealed class MmioBus
    {
        private readonly List<Claim> _claims = new List<Claim>();

        /// <summary>False when the range is empty, wraps, or overlaps an existing claim.</summary>
        public bool TryClaim(GuestPhysical first, ulong length, MmioDevice device)
        {
            if (length == 0 || first.Value + length < first.Value || device == null)
                return false;
            foreach (Claim claim in _claims)
            {
                if (first.Value < claim.First + claim.Length && claim.First < first.Value + length)
                    return false;
            }
            _claims.Add(new Claim(first.Value, length, device));
            return true;
        }

        /// <summary>The device whose range holds the address (null if none), and the offset into it.</summary>
        public MmioDevice Find(GuestPhysical address, out ulong offset)
        {
            int at = IndexOf(address.Value);
            offset = at < 0 ? 0 : address.Value - _claims[at].First;
            return at < 0 ? null : _claims[at].Device;
        }

        public bool Claims(GuestPhysical address) => IndexOf(address.Value) >= 0;

        /// <summary>False (value all ones) when no single claim holds all `size` bytes.</summary>
        public bool TryRead(GuestPhysical address, int size, out ulong value)
        {
            MmioDevice device = FindAccess(address, size, out ulong offset);
            value = device == null ? AllOnes(size) : device.Read(offset, size) & AllOnes(size);
            return device != null;
        }

        /// <summary>False (nothing written) when no single claim holds all `size` bytes.</summary>
        public bool TryWrite(GuestPhysical address, int size, ulong value)
        {
            MmioDevice device = FindAccess(address, size, out ulong offset);
            device?.Write(offset, size, value & AllOnes(size));
            return device != null;
        }

        public static ulong AllOnes(int size) => size >= 8 ? ulong.MaxValue : (1UL << (8 * size)) - 1;

        private MmioDevice FindAccess(GuestPhysical address, int size, out ulong offset)
        {
            offset = 0;
            int at = IndexOf(address.Value);
            if (at < 0 || size < 1 || size > 8)
                return null;
            offset = address.Value - _claims[at].First;
            return offset + (ulong)size <= _claims[at].Length ? _claims[at].Device : null;
        }

        private int IndexOf(ulong address)
        {
            for (int i = 0; i < _claims.Count; i++)
            {
                if (address >= _claims[i].First && address - _claims[i].First < _claims[i].Length)
                    return i;
            }
            return -1;
        }

        private readonly struct Claim
        {
            public readonly ulong First;
            public readonly ulong Length;
            public readonly MmioDevice Device;

            public Claim(ulong first, ulong length, MmioDevice device)
            {
                First = first;
                Length = length;
                Device = device;
            }
        }
    }
}
