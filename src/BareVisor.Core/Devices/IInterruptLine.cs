// An interrupt request wire from a device model to an interrupt controller (the 8259 pair, later
// the I/O APIC). Devices drive the wire's level; the controller decides what an edge or a level
// means (the ISA IRQs are edge-triggered on a PC, so a controller latches a request when the level
// goes from low to high). Devices may call Set with an unchanged level; receivers must treat that
// as no change. Pure logic; runs in VMX root on port exits; implementations must not allocate.
namespace BareVisor.Core.Devices
{
    public interface IInterruptLine
    {
        /// <summary>Drives the wire: true asserts the request, false withdraws it.</summary>
        void Set(bool level);
    }
}
