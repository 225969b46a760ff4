// The VMX-preemption timer: BareVisor's periodic look at a running guest, whatever the guest does
// (a guest spinning with interrupts off, or on CPUID leaves the exit stub answers, included), and
// the alarm that wakes a halted vCPU for its next device timer event (the run loop arms it before
// every entry and InterruptDelivery then delivers the interrupt). The timer only counts in guest
// mode, so the run loop also gives the exit stub the TSC value of its next look: the stub's fast
// path hands any exit at or past it to the run loop, and re-arms the timer for what is left before
// it resumes the guest (boot/vmx.asm). A guest past its time limit is stopped; any other is
// resumed. VMX root, interrupts off; no allocation until the guest is stopped.
using BareVisor.Core.Text;

namespace BareVisor.Core.Vmx.Exits
{
    public static class TimerExit
    {
        // The longest a guest runs before BareVisor looks at it again.
        public const ulong SliceNanoseconds = 10000000;

        // TSC ticks until the run loop must look at the guest again: its next device timer event
        // (`nanoseconds` away), the end of the slice or its time limit (deadlineTsc, 0 for none),
        // whichever comes first.
        public static ulong TicksUntilNextLook(ulong nanoseconds, ulong tscHz, ulong nowTsc, ulong deadlineTsc)
        {
            ulong ticks = System.Math.Min(nanoseconds, SliceNanoseconds) * (tscHz / 1000) / 1000000;
            if (deadlineTsc != 0)
                ticks = System.Math.Min(ticks, deadlineTsc > nowTsc ? deadlineTsc - nowTsc : 0);
            return ticks;
        }

        // The timer's value for an alarm `ticks` TSC ticks away: shifted right by
        // IA32_VMX_MISC[4:0] (SDM Vol. 3C, 26.5.1). At least 1, so that a due alarm still lets the
        // entry complete and exits at once.
        public static uint PreemptionTimerValue(ulong ticks, int rateShift)
        {
            ulong value = ticks >> rateShift;
            return value == 0 ? 1u : value > uint.MaxValue ? uint.MaxValue : (uint)value;
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
