// Interrupts from the guest's devices into its vCPU. Before every VM entry the timers are moved
// to the current time when an event of theirs is due; an interrupt the PIC presents is injected when the guest can take it
// (RFLAGS.IF set, no STI/MOV SS shadow, nothing else being injected), and otherwise an
// interrupt-window exit is requested so it goes in as soon as the guest allows. A halted vCPU that
// gets an interrupt becomes active again. VMX root, interrupts off; no allocation.
using BareVisor.Core.Devices;

namespace BareVisor.Core.Vmx.Exits
{
    public static class InterruptDelivery
    {
        public const uint ActivityActive = 0, ActivityHlt = 1;
        private const ulong RflagsIf = 1UL << 9;
        private const uint BlockingBySti = 1, BlockingByMovSs = 2;

        // now: the guest's time (IGuestPlatform.NowNanoseconds), read once per entry by the caller.
        public static void BeforeEntry<TVmcs, TPlatform>(ref Vcpu<TVmcs, TPlatform> vcpu, ulong now)
            where TVmcs : struct, IVmcs
            where TPlatform : struct, IGuestPlatform
        {
            PcPlatform devices = vcpu.Platform.Devices;
            if (devices == null)
                return;
            if (devices.IsDue(now))
                devices.AdvanceTo(now);
            if (!devices.HasInterrupt)
                return;
            if (!CanTakeInterrupt(ref vcpu))
            {
                RequestWindow(ref vcpu);
                return;
            }
            if (!devices.TryAcknowledge(out byte vector))
                return;
            vcpu.Vmcs.Write(VmcsField32.VmEntryInterruptionInformationField, InterruptionInformation.ExternalInterrupt(vector).Value);
            if (vcpu.Halted)
            {
                vcpu.Halted = false;
                vcpu.Vmcs.Write(VmcsField32.GuestActivityState, ActivityActive);
            }
        }

        private static bool CanTakeInterrupt<TVmcs, TPlatform>(ref Vcpu<TVmcs, TPlatform> vcpu)
            where TVmcs : struct, IVmcs
            where TPlatform : struct, IGuestPlatform
        {
            if ((vcpu.Vmcs.Read(VmcsField32.VmEntryInterruptionInformationField) & InterruptionInformation.ValidBit) != 0)
                return false;
            if ((vcpu.Rflags & RflagsIf) == 0)
                return false;
            return (vcpu.Vmcs.Read(VmcsField32.GuestInterruptibilityState) & (BlockingBySti | BlockingByMovSs)) == 0;
        }

        private static void RequestWindow<TVmcs, TPlatform>(ref Vcpu<TVmcs, TPlatform> vcpu)
            where TVmcs : struct, IVmcs
            where TPlatform : struct, IGuestPlatform
        {
            uint controls = vcpu.Vmcs.Read(VmcsField32.PrimaryProcessorBasedVmExecutionControls);
            vcpu.Vmcs.Write(VmcsField32.PrimaryProcessorBasedVmExecutionControls, controls | (uint)PrimaryProcessorBasedControls.InterruptWindowExiting);
        }
    }
}
