// Instructions that exit unconditionally or by BareVisor's choice and need little work: INVD and
// WBINVD (BareVisor's memory is write-back and coherent, so both are no-ops for the guest), RDTSC
// and RDTSCP (the host TSC; no offset), XSETBV (checked against the XCR0 bits CPUID offers).
namespace BareVisor.Core.Vmx.Exits
{
    public static class InstructionExit
    {
        public static ExitAction HandleCache<TVmcs, TPlatform>(ref Vcpu<TVmcs, TPlatform> vcpu)
            where TVmcs : struct, IVmcs
            where TPlatform : struct, IGuestPlatform
        {
            vcpu.SkipInstruction();
            return ExitAction.Resume;
        }

        public static ExitAction HandleRdtsc<TVmcs, TPlatform>(ref Vcpu<TVmcs, TPlatform> vcpu, bool rdtscp)
            where TVmcs : struct, IVmcs
            where TPlatform : struct, IGuestPlatform
        {
            ulong tsc = vcpu.Platform.ReadTsc();
            ref GuestRegisters regs = ref vcpu.Regs;
            regs.Rax = (uint)tsc;
            regs.Rdx = tsc >> 32;
            if (rdtscp)
                regs.Rcx = 0;
            vcpu.SkipInstruction();
            return ExitAction.Resume;
        }

        // XSETBV: ECX = XCR index (only XCR0), EDX:EAX = value. x87 must stay on, AVX needs SSE.
        public static ExitAction HandleXsetbv<TVmcs, TPlatform>(ref Vcpu<TVmcs, TPlatform> vcpu)
            where TVmcs : struct, IVmcs
            where TPlatform : struct, IGuestPlatform
        {
            ref GuestRegisters regs = ref vcpu.Regs;
            ulong value = (regs.Rdx << 32) | (uint)regs.Rax;
            ulong allowed = CpuidPolicy.SupportedXcr0(ref vcpu.Platform);
            bool valid = (uint)regs.Rcx == 0 && (value & ~allowed) == 0 && (value & 1) != 0
                && ((value & 4) == 0 || (value & 2) != 0);
            if (!valid)
                return vcpu.InjectException(ExceptionVectors.GeneralProtection, 0);
            vcpu.GuestXcr0 = value;
            vcpu.SkipInstruction();
            return ExitAction.Resume;
        }
    }
}
