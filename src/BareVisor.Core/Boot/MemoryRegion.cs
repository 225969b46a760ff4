// Pure logic; no hardware. One entry of the firmware memory map, as the boot loader reported it.
using BareVisor.Core.Memory;

namespace BareVisor.Core.Boot
{
    public readonly struct MemoryRegion
    {
        public readonly HostPhysical Base;
        public readonly ulong Length;
        public readonly MemoryType Type;

        public MemoryRegion(HostPhysical baseAddress, ulong length, MemoryType type)
        {
            Base = baseAddress;
            Length = length;
            Type = type;
        }

        /// <summary>[Base, Base + Length), clamped at the top of the address space.</summary>
        public PhysicalRange Range => PhysicalRange.FromLength(Base, Length);
    }
}
