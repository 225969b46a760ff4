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
            uint leaf = (uint)regs.Rax;
            if (!vcpu.Cpuid.TryGet(leaf, out CpuidResult result))
                result = Live(ref vcpu, leaf, (uint)regs.Rcx);
            regs.Rax = result.Eax;
            regs.Rbx = result.Ebx;
            regs.Rcx = result.Ecx;
            regs.Rdx = result.Edx;
            vcpu.SkipInstruction();
            return ExitAction.Resume;
        }

        private static CpuidResult Live<TVmcs, TPlatform>(ref Vcpu<TVmcs, TPlatform> vcpu, uint leaf, uint subleaf)
            where TVmcs : struct, IVmcs
            where TPlatform : struct, IGuestPlatform
        {
            CpuidResult result = CpuidPolicy.Apply(ref vcpu.Platform, leaf, subleaf, vcpu.GuestXcr0);
            if (leaf == 1 && (vcpu.Vmcs.Read(VmcsFieldNatural.GuestCr4) & CpuidPolicy.Cr4Osxsave) != 0)
                result.Ecx |= CpuidPolicy.Leaf1EcxOsxsave;
            return result;
        }
    }
}
