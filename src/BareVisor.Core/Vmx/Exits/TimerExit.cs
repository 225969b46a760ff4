// The VMX-preemption timer: BareVisor's periodic look at a running guest, whatever the guest does
// (a guest spinning with interrupts off included). A guest past its time limit is stopped; any
// other is resumed. VMX root, interrupts off; no allocation until the guest is stopped.
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
            {
                // The timer's value is saved across exits, so it counts guest time only; rearm it.
                vcpu.Vmcs.Write(VmcsField32.VmxPreemptionTimerValue, vcpu.PreemptionSlice);
                return ExitAction.Resume;
            }
            return vcpu.Stop(Messages.WithDecimal("ran past its time limit of ", vcpu.TimeLimitSeconds, " s"));
        }
    }
}
