// The VMX-preemption timer: BareVisor's periodic look at a running guest, whatever the guest does
// (a guest spinning with interrupts off included), and the alarm that wakes a halted vCPU for its
// next device timer event (the run loop arms it before every entry and InterruptDelivery then
// delivers the interrupt). A guest past its time limit is stopped; any other is resumed.
// VMX root, interrupts off; no allocation until the guest is stopped.
using BareVisor.Core.Text;

namespace BareVisor.Core.Vmx.Exits
{
    public static class TimerExit
    {
        public static ExitAction Handle<TVmcs, TPlatform>(ref Vcpu<TVmcs, TPlatform> vcpu)
            where TVmcs : struct, IVmcs
            where TPlatform : struct, IGuestPlatform
        {
            if (vcpu.DeadlineTsc == 0 || vcpu.Platform.ReadTsc() < vcpu.DeadlineTsc)
                return ExitAction.Resume;
            return vcpu.Stop(Messages.WithDecimal("ran past its time limit of ", vcpu.TimeLimitSeconds, " s"));
        }
    }
}
