// Events: exceptions the exception bitmap intercepts (reflected back into the guest), external
// interrupts (BareVisor's own; the guest is simply resumed), the interrupt window, and events
// whose delivery a VM exit cut off (IDT-vectoring information), which are re-injected.
namespace BareVisor.Core.Vmx.Exits
{
    public static class EventExit
    {
        public static ExitAction HandleException<TVmcs, TPlatform>(ref Vcpu<TVmcs, TPlatform> vcpu)
            where TVmcs : struct, IVmcs
            where TPlatform : struct, IGuestPlatform
        {
            InterruptionInformation info = new InterruptionInformation((uint)vcpu.Vmcs.Read(VmcsField32.VmExitInterruptionInformation));
            uint errorCode = (uint)vcpu.Vmcs.Read(VmcsField32.VmExitInterruptionErrorCode);
            return vcpu.InjectException(info.Vector, errorCode);
        }

        public static ExitAction HandleExternalInterrupt<TVmcs, TPlatform>(ref Vcpu<TVmcs, TPlatform> vcpu)
            where TVmcs : struct, IVmcs
            where TPlatform : struct, IGuestPlatform => ExitAction.Resume;

        // No virtual interrupt source exists yet, so nothing waits for the window: stop asking.
        public static ExitAction HandleInterruptWindow<TVmcs, TPlatform>(ref Vcpu<TVmcs, TPlatform> vcpu)
            where TVmcs : struct, IVmcs
            where TPlatform : struct, IGuestPlatform
        {
            uint controls = (uint)vcpu.Vmcs.Read(VmcsField32.PrimaryProcessorBasedVmExecutionControls);
            vcpu.Vmcs.Write(VmcsField32.PrimaryProcessorBasedVmExecutionControls, controls & ~(uint)PrimaryProcessorBasedControls.InterruptWindowExiting);
            return ExitAction.Resume;
        }

        // Called after every exit, before dispatch: an event the exit interrupted is delivered again
        // on the next entry, with its error code and (for software events) instruction length.
        public static void ReinjectCutOffEvent<TVmcs, TPlatform>(ref Vcpu<TVmcs, TPlatform> vcpu)
            where TVmcs : struct, IVmcs
            where TPlatform : struct, IGuestPlatform
        {
            InterruptionInformation info = new InterruptionInformation((uint)vcpu.Regs.IdtVectoringInformation);
            if (!info.Valid)
                return;
            vcpu.Vmcs.Write(VmcsField32.VmEntryInterruptionInformationField, info.Value & ~InterruptionInformation.NmiUnblockingBit);
            if (info.ErrorCodeValid)
                vcpu.Vmcs.Write(VmcsField32.VmEntryExceptionErrorCode, vcpu.Vmcs.Read(VmcsField32.IdtVectoringErrorCode));
            vcpu.Vmcs.Write(VmcsField32.VmEntryInstructionLength, (uint)vcpu.Regs.ExitInstructionLength);
        }
    }
}
