// A vCPU's registers that the VMCS does not hold: saved and restored around every VM entry and
// exit by boot/vmx.asm, whose offsets must match this layout (a unit test pins them). Runs in
// VMX root; never allocates.
using System.Runtime.InteropServices;

namespace BareVisor.Core.Vmx
{
    [StructLayout(LayoutKind.Sequential)]
    public unsafe struct GuestRegisters
    {
        public ulong Rax, Rbx, Rcx, Rdx, Rsi, Rdi, Rbp;
        public ulong R8, R9, R10, R11, R12, R13, R14, R15;
        public ulong Cr2;

        // Guest RIP: written to the VMCS by vmx_run before every entry, read back after every exit,
        // so exit handlers move it without VMREAD/VMWRITE.
        public ulong Rip;

        // Read from the VMCS by the exit stub on every exit (the fields nearly every exit needs).
        public ulong ExitReason;
        public ulong ExitQualification;
        public ulong ExitInstructionLength;
        public ulong IdtVectoringInformation;

        // For the CPUID fast path in boot/vmx.asm: CPUID exits for basic leaves whose bit is set in
        // CpuidFastMask are answered from CpuidTable (CpuidCache's answers, 16 bytes per leaf) and
        // counted in ExitCounts without leaving the exit stub.
        public ulong CpuidTable;
        public ulong CpuidFastMask;
        public ulong ExitCounts;

        // Keeps the fast path preemptible (TimerExit): it hands exits at or past RunLoopTsc to the
        // run loop, and re-arms the VMX-preemption timer with the ticks left, shifted right by
        // PreemptionTimerShift (IA32_VMX_MISC[4:0]).
        public ulong RunLoopTsc;
        public ulong PreemptionTimerShift;

        // FXSAVE image of the guest's x87/SSE state; 16-byte aligned when the struct is.
        public fixed byte FxSaveArea[512];

        public const int FxSaveOffset = 208;

        // General registers by the 4-bit number instruction encodings and exit qualifications
        // use (0 = RAX ... 15 = R15); RSP (4) lives in the VMCS and is not handled here.
        public ulong Get(int index) => index switch
        {
            0 => Rax, 1 => Rcx, 2 => Rdx, 3 => Rbx, 5 => Rbp, 6 => Rsi, 7 => Rdi,
            8 => R8, 9 => R9, 10 => R10, 11 => R11, 12 => R12, 13 => R13, 14 => R14, 15 => R15,
            _ => 0,
        };

        public void Set(int index, ulong value)
        {
            switch (index)
            {
                case 0: Rax = value; break;
                case 1: Rcx = value; break;
                case 2: Rdx = value; break;
                case 3: Rbx = value; break;
                case 5: Rbp = value; break;
                case 6: Rsi = value; break;
                case 7: Rdi = value; break;
                case 8: R8 = value; break;
                case 9: R9 = value; break;
                case 10: R10 = value; break;
                case 11: R11 = value; break;
                case 12: R12 = value; break;
                case 13: R13 = value; break;
                case 14: R14 = value; break;
                case 15: R15 = value; break;
            }
        }

        // The default FXSAVE image: x87 control word 0x37F and MXCSR 0x1F80, as after reset.
        public void ResetFpu()
        {
            fixed (byte* area = FxSaveArea)
            {
                for (int i = 0; i < 512; i++)
                    area[i] = 0;
                area[0] = 0x7F;
                area[1] = 0x03;
                area[24] = 0x80;
                area[25] = 0x1F;
            }
        }
    }
}
