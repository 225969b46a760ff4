// Receives the local APIC's EOI broadcast: when the guest ends a level-triggered interrupt (its TMR
// bit set), the local APIC tells the I/O APIC the vector so the redirection entry's Remote IRR
// clears and a still-asserted line can be delivered again. Pure logic; runs in VMX root on
// EOI writes; implementations must not allocate.
namespace BareVisor.Core.Devices
{
    public interface IEoiListener
    {
        void EndOfInterrupt(byte vector);
    }
}
