// Control-register exits. CR0.NE and CR4.VMXE are owned by BareVisor (the guest/host masks):
// VMX operation needs them set, the guest sees its own values through the read shadows. A guest
// that sets CR4.VMXE gets #GP, since CPUID hides VMX. CR8 (64-bit TPR) is emulated per vCPU.
// CR3 does not exit (EPT).
namespace BareVisor.Core.Vmx.Exits
{
    public static class CrAccessExit
    {
        public const ulong Cr0OwnedBits = 1UL << 5;     // NE
        public const ulong Cr4OwnedBits = 1UL << 13;    // VMXE
        private const ulong Cr0Ts = 1UL << 3;

        public static ExitAction Handle<TVmcs, TPlatform>(ref Vcpu<TVmcs, TPlatform> vcpu)
            where TVmcs : struct, IVmcs
            where TPlatform : struct, IGuestPlatform
        {
            CrAccessQualification q = new CrAccessQualification(vcpu.ExitQualification);
            ref GuestRegisters regs = ref vcpu.Regs;
            switch (q.AccessType)
            {
                case CrAccessType.MovToCr:
                    if (!TryWrite(ref vcpu, q.ControlRegister, ReadGpr(ref vcpu, q.GeneralRegister)))
                        return vcpu.InjectException(ExceptionVectors.GeneralProtection, 0);
                    break;
                case CrAccessType.MovFromCr:
                    if (q.ControlRegister != 8)
                        return vcpu.Stop("unexpected MOV from CR exit");
                    WriteGpr(ref vcpu, q.GeneralRegister, vcpu.Tpr);
                    break;
                case CrAccessType.Clts:
                    ulong cr0 = vcpu.Vmcs.Read(VmcsFieldNatural.GuestCr0) & ~Cr0Ts;
                    vcpu.Vmcs.Write(VmcsFieldNatural.GuestCr0, cr0);
                    vcpu.Vmcs.Write(VmcsFieldNatural.Cr0ReadShadow, vcpu.Vmcs.Read(VmcsFieldNatural.Cr0ReadShadow) & ~Cr0Ts);
                    break;
                case CrAccessType.Lmsw:
                    ulong shadow = vcpu.Vmcs.Read(VmcsFieldNatural.Cr0ReadShadow);
                    TryWrite(ref vcpu, 0, (shadow & ~0xEUL) | (q.LmswSourceData & 0xF) | (shadow & 1));
                    break;
            }
            vcpu.SkipInstruction();
            return ExitAction.Resume;
        }

        private static bool TryWrite<TVmcs, TPlatform>(ref Vcpu<TVmcs, TPlatform> vcpu, int cr, ulong value)
            where TVmcs : struct, IVmcs
            where TPlatform : struct, IGuestPlatform
        {
            switch (cr)
            {
                case 0:
                    vcpu.Vmcs.Write(VmcsFieldNatural.Cr0ReadShadow, value);
                    vcpu.Vmcs.Write(VmcsFieldNatural.GuestCr0, value | Cr0OwnedBits);
                    return true;
                case 4:
                    if ((value & Cr4OwnedBits) != 0)
                        return false;
                    vcpu.Vmcs.Write(VmcsFieldNatural.Cr4ReadShadow, value);
                    vcpu.Vmcs.Write(VmcsFieldNatural.GuestCr4, value | Cr4OwnedBits);
                    return true;
                case 8:
                    if (value > 15)
                        return false;
                    vcpu.Tpr = value;
                    return true;
                default:
                    return false;
            }
        }

        // Register 4 is RSP, which lives in the VMCS.
        private static ulong ReadGpr<TVmcs, TPlatform>(ref Vcpu<TVmcs, TPlatform> vcpu, int index)
            where TVmcs : struct, IVmcs
            where TPlatform : struct, IGuestPlatform =>
            index == 4 ? vcpu.Vmcs.Read(VmcsFieldNatural.GuestRsp) : vcpu.Regs.Get(index);

        private static void WriteGpr<TVmcs, TPlatform>(ref Vcpu<TVmcs, TPlatform> vcpu, int index, ulong value)
            where TVmcs : struct, IVmcs
            where TPlatform : struct, IGuestPlatform
        {
            if (index == 4)
                vcpu.Vmcs.Write(VmcsFieldNatural.GuestRsp, value);
            else
                vcpu.Regs.Set(index, value);
        }
    }
}
