// One virtual CPU as the exit handlers see it: its VMCS (through TVmcs, VMREAD/VMWRITE in the
// kernel, a fake in tests), the registers the VMCS does not hold, its platform, exit counters
// and why it stopped. Runs in VMX root with interrupts off; handlers must not allocate on the
// hot paths (CPUID, I/O, VMCALL).
using BareVisor.Core.Vmx;

namespace BareVisor.Core.Vmx.Exits
{
    public unsafe struct Vcpu<TVmcs, TPlatform>
        where TVmcs : struct, IVmcs
        where TPlatform : struct, IGuestPlatform
    {
        public TVmcs Vmcs;
        public TPlatform Platform;
        public GuestRegisters* Registers;
        public ExitCounters Counters;
        public ReportedOnce Reported;
        public CpuidCache Cpuid;
        public GuestMsrs Msrs;

        // Set by the handler that returns ExitAction.StopGuest.
        public string StopReason;

        // The guest's XCR0, kept here because XSETBV exits write it and CPUID leaf 0xD reads it.
        public ulong GuestXcr0;

        // TSC value at which the guest has used up its time limit (0 = none), checked when the
        // VMX-preemption timer fires.
        public ulong DeadlineTsc;
        public ulong TimeLimitSeconds;

        // In the HLT activity state, waiting for an interrupt (see HltExit), and whether this CPU
        // has the VMX-preemption timer: it wakes a halted vCPU for the next device timer event and
        // keeps the exit stub's fast path to the run loop's schedule (VcpuLoop, TimerExit).
        public bool Halted;
        public bool HasPreemptionTimer;

        public bool RebootRequested;

        public ref GuestRegisters Regs => ref *Registers;

        // RIP, exit qualification and instruction length travel in GuestRegisters (boot/vmx.asm
        // moves them to and from the VMCS), so the common exits need no VMREAD of their own.
        public ulong Rip
        {
            get => Registers->Rip;
            set => Registers->Rip = value;
        }

        public ulong Rflags => Vmcs.Read(VmcsFieldNatural.GuestRflags);

        public ulong ExitQualification => Registers->ExitQualification;

        // Moves past the instruction that caused the exit.
        public void SkipInstruction() => Registers->Rip += Registers->ExitInstructionLength;

        // General registers by instruction-encoding number; 4 is RSP, which lives in the VMCS.
        public ulong ReadGpr(int index) => index == 4 ? Vmcs.Read(VmcsFieldNatural.GuestRsp) : Registers->Get(index);

        public void WriteGpr(int index, ulong value)
        {
            if (index == 4)
                Vmcs.Write(VmcsFieldNatural.GuestRsp, value);
            else
                Registers->Set(index, value);
        }

        public bool ReportOnce(ReportedEvent kind, uint id) => Reported.First(kind, id);

        public ExitAction Stop(string reason)
        {
            StopReason = reason;
            return ExitAction.StopGuest;
        }

        // Queues a hardware exception for the next VM entry. In real mode no error code is
        // delivered (CR0.PE = 0 forbids it).
        public ExitAction InjectException(byte vector, uint errorCode = 0)
        {
            bool protectedMode = (Vmcs.Read(VmcsFieldNatural.GuestCr0) & 1) != 0;
            bool deliverErrorCode = protectedMode && ExceptionVectors.PushesErrorCode(vector);
            Vmcs.Write(VmcsField32.VmEntryInterruptionInformationField,
                InterruptionInformation.HardwareException(vector, deliverErrorCode).Value);
            if (deliverErrorCode)
                Vmcs.Write(VmcsField32.VmEntryExceptionErrorCode, errorCode);
            return ExitAction.Resume;
        }
    }
}
