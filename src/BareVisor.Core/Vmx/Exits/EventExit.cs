// Events: exceptions the exception bitmap intercepts (reflected back into the guest), external
// interrupts (BareVisor's own; the guest is simply resumed), the interrupt window, and events
// whose delivery a VM exit cut off (IDT-vectoring information), which are re-injected.
namespace BareVisor.Core.Vmx.Exits
{
    public static class EventExit
    {
        // #AC is intercepted so that a guest looping on alignment checks exits to BareVisor on every
        // round (the "benign exception loop" that can otherwise keep a CPU inside the guest);
        // #MC so that a machine check in a guest stops that guest rather than being delivered.
        public const uint InterceptedExceptions = (1u << ExceptionVectors.AlignmentCheck) | (1u << ExceptionVectors.MachineCheck);

        // The event goes back as it came: its type (INT3/INTO stay software exceptions, with their
        // instruction length, so the guest resumes after them; an NMI stays an NMI) and the error
        // code exactly when the CPU reported one. A #PF that exits leaves CR2 alone and puts the
        // linear address in the exit qualification (SDM Vol. 3C 28.2.1): the guest gets it in CR2.
        public static ExitAction HandleException<TVmcs, TPlatform>(ref Vcpu<TVmcs, TPlatform> vcpu)
            where TVmcs : struct, IVmcs
            where TPlatform : struct, IGuestPlatform
        {
            InterruptionInformation info = new InterruptionInformation(vcpu.Vmcs.Read(VmcsField32.VmExitInterruptionInformation));
            if (info.Vector == ExceptionVectors.MachineCheck)
                return vcpu.Stop("machine check while the guest ran");
            if (info.Type == InterruptionType.Nmi)
                vcpu.Platform.HostNmi();
            if (info.Type == InterruptionType.HardwareException && info.Vector == ExceptionVectors.PageFault)
                vcpu.Regs.Cr2 = vcpu.ExitQualification;
            Inject(ref vcpu, info, VmcsField32.VmExitInterruptionErrorCode);
            return ExitAction.Resume;
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
            if (info.Valid)
                Inject(ref vcpu, info, VmcsField32.IdtVectoringErrorCode);
        }

        // Bit 12 (NMI unblocking due to IRET) is exit information only: reserved in the VM-entry field.
        private static void Inject<TVmcs, TPlatform>(ref Vcpu<TVmcs, TPlatform> vcpu, InterruptionInformation info, VmcsField32 errorCodeField)
            where TVmcs : struct, IVmcs
            where TPlatform : struct, IGuestPlatform
        {
            vcpu.Vmcs.Write(VmcsField32.VmEntryInterruptionInformationField, info.Value & ~InterruptionInformation.NmiUnblockingBit);
            if (info.ErrorCodeValid)
                vcpu.Vmcs.Write(VmcsField32.VmEntryExceptionErrorCode, vcpu.Vmcs.Read(errorCodeField));
            vcpu.Vmcs.Write(VmcsField32.VmEntryInstructionLength, (uint)vcpu.Regs.ExitInstructionLength);
        }
    }
}
