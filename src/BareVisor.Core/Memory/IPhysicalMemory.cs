// Pure logic; no hardware. The kernel implements this over identity-mapped memory; tests over a byte[].
using System;

namespace BareVisor.Core.Memory
{
    /// <summary>Read access to host physical memory for the firmware-table and boot-information parsers.</summary>
    public interface IPhysicalMemory
    {
        /// <summary>
        /// Returns the bytes at [address, address + length). When part of the range cannot be read,
        /// returns only the readable prefix (possibly empty); parsers treat a short read as an error.
        /// </summary>
        ReadOnlySpan<byte> Read(HostPhysical address, int length);
    }
}
