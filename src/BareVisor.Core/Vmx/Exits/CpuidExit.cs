// CPUID exits: the guest sees the host's CPUID filtered by CpuidPolicy; leaf 1 also follows the
// vCPU's state (OSXSAVE from CR4, the APIC bit from IA32_APIC_BASE.EN). Hot path: no allocation.
using BareVisor.Core.Cpu;
using BareVisor.Core.Devices;

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
            if (leaf != 1)
                return result;
            if ((vcpu.Vmcs.Read(VmcsFieldNatural.GuestCr4) & CpuidPolicy.Cr4Osxsave) != 0)
                result.Ecx |= CpuidPolicy.Leaf1EcxOsxsave;
            // CPUID.1:EDX.APIC reads 0 while IA32_APIC_BASE.EN is clear (SDM Vol. 3A 11.4.3).
            PcPlatform devices = vcpu.Platform.Devices;
            if (devices != null && devices.Apic.Mode == LocalApicMode.Disabled)
                result.Edx &= ~CpuidPolicy.Leaf1EdxApic;
            return result;
        }
    }
}
