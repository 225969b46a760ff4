// Pure logic; no hardware. One I/O APIC as the MADT describes it (MADT entry type 1).
using BareVisor.Core.Memory;

namespace BareVisor.Core.Acpi
{
    public struct MadtIoApic
    {
        public byte Id;
        public HostPhysical Address;

        /// <summary>The first global system interrupt this I/O APIC's inputs map to.</summary>
        public uint GsiBase;
    }
}
