// The VMX-preemption timer: BareVisor's periodic look at a running guest, whatever the guest does
// (a guest spinning with interrupts off, or on CPUID leaves the exit stub answers, included), and
// the alarm that wakes a halted vCPU for its next device timer event (the run loop arms it before
// every entry and InterruptDelivery then delivers the interrupt). Its value is saved at every exit
// ("save VMX-preemption timer value", ControlPlan), so entries that do not go through the run loop
// resume the countdown instead of restarting it. A guest past its time limit is stopped; any other
// is resumed. VMX root, interrupts off; no allocation until the guest is stopped.
using BareVisor.Core.Text;

namespace BareVisor.Core.Vmx.Exits
{
    public static class TimerExit
    {
        // The longest a guest runs before BareVisor looks at it again.
        public const ulong SliceNanoseconds = 10000000;

        // The timer's value for an alarm `nanoseconds` away (at most one slice): TSC ticks shifted
        // right by IA32_VMX_MISC[4:0] (SDM Vol. 3C, 26.5.1). At least 1, since 0 exits at once.
        public static uint PreemptionTimerValue(ulong nanoseconds, ulong tscHz, int rateShift)
        {
            ulong ticks = (System.Math.Min(nanoseconds, SliceNanoseconds) * (tscHz / 1000) / 1000000) >> rateShift;
            return ticks == 0 ? 1u : ticks > uint.MaxValue ? uint.MaxValue : (uint)ticks;
        }

        public static ExitAction Handle<TVmcs, TPlatform>(ref Vcpu<TVmcs, TPlatform> vcpu)
            where TVmcs : struct, IVmcs
            where TPlatform : struct, IGuestPlatform
        {
            ulong now = vcpu.Platform.ReadTsc();
            if (vcpu.DeadlineTsc == 0 || now < vcpu.DeadlineTsc)
                return ExitAction.Resume;
            // How late the stop came shows whether some path let the guest run past its slices.
            ulong lateMicroseconds = (now - vcpu.DeadlineTsc) / System.Math.Max(vcpu.Platform.TscHz / 1000000, 1);
            vcpu.Platform.Log(Messages.WithDecimal("time limit reached; stopped ", lateMicroseconds, " us after it"));
            return vcpu.Stop(Messages.WithDecimal("ran past its time limit of ", vcpu.TimeLimitSeconds, " s"));
        }
    }
}
