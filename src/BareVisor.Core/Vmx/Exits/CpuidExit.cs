// CPUID exits: the guest sees the host's CPUID filtered by CpuidPolicy. Hot path: no allocation.
using BareVisor.Core.Cpu;

namespace BareVisor.Core.Vmx.Exits
{
    public static class CpuidExit
    {
        public static ExitAction Handle<TVmcs, TPlatform>(ref Vcpu<TVmcs, TPlatform> vcpu)
            where TVmcs : struct, IVmcs
            where TPlatform : struct, IGuestPlatform
        {
            ref GuestRegisters regs = ref vcpu.Regs;
            uint leaf = (uint)regs.Rax, subleaf = (uint)regs.Rcx;
            CpuidResult result = CpuidPolicy.Apply(ref vcpu.Platform, leaf, subleaf, vcpu.GuestXcr0);
            regs.Rax = result.Eax;
            regs.Rbx = result.Ebx;
            regs.Rcx = result.Ecx;
            regs.Rdx = result.Edx;
            vcpu.SkipInstruction();
            return ExitAction.Resume;
        }
    }
}
