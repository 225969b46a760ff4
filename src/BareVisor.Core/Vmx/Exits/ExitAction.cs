// What the run loop does after an exit handler returns. Pure data.
namespace BareVisor.Core.Vmx.Exits
{
    public enum ExitAction
    {
        // Re-enter the guest (with any event the handler queued for injection).
        Resume,

        // Stop this guest; Vcpu.StopReason says why. Other guests and BareVisor go on.
        StopGuest,
    }
}
