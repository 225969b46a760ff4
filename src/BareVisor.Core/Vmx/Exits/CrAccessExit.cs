// Control-register exits. CR0.NE and CR4.VMXE are owned by BareVisor (the guest/host masks):
// VMX operation needs them set, the guest sees its own values through the read shadows. A guest
// that sets CR4.VMXE gets #GP, since CPUID hides VMX. CR8 (64-bit TPR) is the local APIC's TPR.
// CR3 does not exit (EPT).
namespace BareVisor.Core.Vmx.Exits
{
    public static class CrAccessExit
    {
        public const ulong Cr0OwnedBits = 1UL << 5;     // NE
        public const ulong Cr4OwnedBits = 1UL << 13;    // VMXE
        private const ulong Cr0Pe = 1, Cr0Ts = 1UL << 3, Cr0Nw = 1UL << 29, Cr0Cd = 1UL << 30, Cr0Pg = 1UL << 31;
        private const ulong Cr4Pae = 1UL << 5, EferLme = 1UL << 8, EferLma = 1UL << 10;
        private const uint CsLongMode = 1u << 13;

        public static ExitAction Handle<TVmcs, TPlatform>(ref Vcpu<TVmcs, TPlatform> vcpu)
            where TVmcs : struct, IVmcs
            where TPlatform : struct, IGuestPlatform
        {
            CrAccessQualification q = new CrAccessQualification(vcpu.ExitQualification);
            ref GuestRegisters regs = ref vcpu.Regs;
            switch (q.AccessType)
            {
                case CrAccessType.MovToCr:
                    ulong value = vcpu.ReadGpr(q.GeneralRegister);
                    if (!In64BitMode(ref vcpu))
                        value = (uint)value;                // 32-bit operand outside 64-bit mode
                    if (!TryWrite(ref vcpu, q.ControlRegister, value))
                        return vcpu.InjectException(ExceptionVectors.GeneralProtection, 0);
                    break;
                case CrAccessType.MovFromCr:
                    if (q.ControlRegister != 8)
                        return vcpu.Stop("unexpected MOV from CR exit");
                    vcpu.WriteGpr(q.GeneralRegister, vcpu.Platform.Devices.Apic.Cr8);
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
                    return TryWriteCr0(ref vcpu, value);
                case 4:
                    if ((value & Cr4OwnedBits) != 0)
                        return false;
                    vcpu.Vmcs.Write(VmcsFieldNatural.Cr4ReadShadow, value);
                    vcpu.Vmcs.Write(VmcsFieldNatural.GuestCr4, value | Cr4OwnedBits);
                    return true;
                case 8:
                    if (value > 15)
                        return false;
                    vcpu.Platform.Devices.Apic.Cr8 = value;
                    return true;
                default:
                    return false;
            }
        }

        // MOV to CR0 as the CPU does it (SDM Vol. 2B "MOV to/from Control Registers", Vol. 3A 4.1.2):
        // #GP for bits 63:32, PG without PE, NW without CD, clearing PG in 64-bit mode, and setting PG
        // with EFER.LME but not CR4.PAE. PG changing with EFER.LME set enters or leaves IA-32e mode:
        // EFER.LMA and the "IA-32e mode guest" entry control follow it, as VM entry requires.
        private static bool TryWriteCr0<TVmcs, TPlatform>(ref Vcpu<TVmcs, TPlatform> vcpu, ulong value)
            where TVmcs : struct, IVmcs
            where TPlatform : struct, IGuestPlatform
        {
            if ((value >> 32) != 0 || ((value & Cr0Pg) != 0 && (value & Cr0Pe) == 0) || ((value & Cr0Nw) != 0 && (value & Cr0Cd) == 0))
                return false;
            ulong efer = vcpu.Vmcs.Read(VmcsField64.GuestIa32Efer);
            bool paging = (value & Cr0Pg) != 0;
            if (paging != ((vcpu.Vmcs.Read(VmcsFieldNatural.GuestCr0) & Cr0Pg) != 0) && (efer & EferLme) != 0)
            {
                if (paging ? (vcpu.Vmcs.Read(VmcsFieldNatural.GuestCr4) & Cr4Pae) == 0 : In64BitMode(ref vcpu))
                    return false;
                uint entry = vcpu.Vmcs.Read(VmcsField32.VmEntryControls);
                uint ia32e = (uint)EntryControls.Ia32eModeGuest;
                vcpu.Vmcs.Write(VmcsField32.VmEntryControls, paging ? entry | ia32e : entry & ~ia32e);
                vcpu.Vmcs.Write(VmcsField64.GuestIa32Efer, paging ? efer | EferLma : efer & ~EferLma);
            }
            vcpu.Vmcs.Write(VmcsFieldNatural.Cr0ReadShadow, value);
            vcpu.Vmcs.Write(VmcsFieldNatural.GuestCr0, value | Cr0OwnedBits);
            return true;
        }

        private static bool In64BitMode<TVmcs, TPlatform>(ref Vcpu<TVmcs, TPlatform> vcpu)
            where TVmcs : struct, IVmcs
            where TPlatform : struct, IGuestPlatform =>
            (vcpu.Vmcs.Read(VmcsField64.GuestIa32Efer) & EferLma) != 0 && (vcpu.Vmcs.Read(VmcsField32.GuestCsAccessRights) & CsLongMode) != 0;
    }
}
