// HLT: the vCPU sleeps until it has an interrupt to take. It is put in the HLT activity state, so
// the CPU itself waits inside the guest, and the run loop arms the VMX-preemption timer for the
// next device timer event; InterruptDelivery wakes it. A vCPU that nothing can ever wake (interrupts
// disabled, or no timer armed and no interrupt pending, or no preemption timer on this CPU) is
// stopped with the reason instead of hanging BareVisor. VMX root; no allocation.
using BareVisor.Core.Devices;

namespace BareVisor.Core.Vmx.Exits
{
    public static class HltExit
    {
        private const ulong RflagsIf = 1UL << 9;

        public static ExitAction Handle<TVmcs, TPlatform>(ref Vcpu<TVmcs, TPlatform> vcpu)
            where TVmcs : struct, IVmcs
            where TPlatform : struct, IGuestPlatform
        {
            vcpu.SkipInstruction();
            if ((vcpu.Rflags & RflagsIf) == 0)
                return vcpu.Stop("halted with interrupts disabled");
            PcPlatform devices = vcpu.Platform.Devices;
            bool canWake = devices != null && (devices.HasInterrupt || devices.NextEventAt != ulong.MaxValue);
            if (!canWake)
                return vcpu.Stop("halted, and no device timer is armed to wake it");
            if (!vcpu.HasPreemptionTimer)
                return vcpu.Stop("halted, and this CPU has no VMX-preemption timer to wake it");
            vcpu.Halted = true;
            vcpu.Vmcs.Write(VmcsField32.GuestActivityState, InterruptDelivery.ActivityHlt);
            // An STI or MOV SS shadow covered the HLT itself and is over; VM entry refuses the HLT
            // state with one still set.
            uint interruptibility = vcpu.Vmcs.Read(VmcsField32.GuestInterruptibilityState);
            vcpu.Vmcs.Write(VmcsField32.GuestInterruptibilityState, interruptibility & ~3u);
            return ExitAction.Resume;
        }
    }
}
