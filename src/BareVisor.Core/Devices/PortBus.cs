// The guest's I/O port space: port ranges claimed by devices. Unclaimed ports read all ones and
// drop writes, as on a PC bus with nothing there; the caller reports each such port once.
// Claiming happens at guest set-up; lookups are a short scan and never allocate.
using System.Collections.Generic;

namespace BareVisor.Core.Devices
{
    public sealed class PortBus
    {
        private readonly List<Claim> _claims = new List<Claim>();

        public bool TryClaim(ushort first, ushort count, PortDevice device)
        {
            foreach (Claim claim in _claims)
            {
                if (first < claim.First + claim.Count && claim.First < first + count)
                    return false;
            }
            _claims.Add(new Claim(first, count, device));
            return true;
        }

        // False when no device claims the port; value is then all ones for the access size.
        public bool TryRead(ushort port, int size, out uint value)
        {
            PortDevice device = Find(port, out ushort offset);
            value = device == null ? AllOnes(size) : device.Read(offset, size);
            return device != null;
        }

        public bool TryWrite(ushort port, int size, uint value)
        {
            PortDevice device = Find(port, out ushort offset);
            device?.Write(offset, size, value);
            return device != null;
        }

        public static uint AllOnes(int size) => size >= 4 ? 0xFFFFFFFF : (1u << (8 * size)) - 1;

        private PortDevice Find(ushort port, out ushort offset)
        {
            for (int i = 0; i < _claims.Count; i++)
            {
                Claim claim = _claims[i];
                if (port >= claim.First && port < claim.First + claim.Count)
                {
                    offset = (ushort)(port - claim.First);
                    return claim.Device;
                }
            }
            offset = 0;
            return null;
        }

        private readonly struct Claim
        {
            public readonly ushort First;
            public readonly ushort Count;
            public readonly PortDevice Device;

            public Claim(ushort first, ushort count, PortDevice device)
            {
                First = first;
                Count = count;
                Device = device;
            }
        }
    }
}
