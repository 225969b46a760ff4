// RDMSR and WRMSR exits for the MSRs MsrPolicy emulates; any other MSR gets #GP, reported once.
// IA32_APIC_BASE, IA32_TSC_DEADLINE and the x2APIC registers belong to the guest's local APIC.
using BareVisor.Core.Devices;
using BareVisor.Core.Text;

namespace BareVisor.Core.Vmx.Exits
{
    public static class MsrExit
    {
        private const ulong FeatureControlLockedVmxOff = 1;
        private const ulong MiscEnableDefault = 1 | (1UL << 11) | (1UL << 12);      // fast strings; no BTS, no PEBS
        private const ulong EferLme = 1UL << 8, EferLma = 1UL << 10, EferNxe = 1UL << 11, EferSce = 1;
        private const ulong Cr0Pg = 1UL << 31;

        public static ExitAction Handle<TVmcs, TPlatform>(ref Vcpu<TVmcs, TPlatform> vcpu, bool write)
            where TVmcs : struct, IVmcs
            where TPlatform : struct, IGuestPlatform
        {
            ref GuestRegisters regs = ref vcpu.Regs;
            uint msr = (uint)regs.Rcx;
            ulong value = (regs.Rdx << 32) | (uint)regs.Rax;
            bool handled = LocalApic.HandlesMsr(msr) ? TryApic(ref vcpu, msr, write, ref value)
                : write ? TryWrite(ref vcpu, msr, value) : TryRead(ref vcpu, msr, out value);
            if (!handled)
            {
                if (vcpu.ReportOnce(ReportedEvent.Msr, msr))
                    vcpu.Platform.Log(Messages.WithHex("MSR ", msr, write ? " is not emulated (WRMSR): #GP injected" : " is not emulated (RDMSR): #GP injected"));
                return vcpu.InjectException(ExceptionVectors.GeneralProtection, 0);
            }
            if (!write)
            {
                regs.Rax = (uint)value;
                regs.Rdx = value >> 32;
            }
            vcpu.SkipInstruction();
            return ExitAction.Resume;
        }

        // A timer register sees the current time first (current count, TSC deadline), and a write
        // to one may arm or stop the timer, so the platform's next event is recomputed after it.
        private static bool TryApic<TVmcs, TPlatform>(ref Vcpu<TVmcs, TPlatform> vcpu, uint msr, bool write, ref ulong value)
            where TVmcs : struct, IVmcs
            where TPlatform : struct, IGuestPlatform
        {
            PcPlatform devices = vcpu.Platform.Devices;
            if (devices == null)
                return false;
            bool timer = LocalApic.IsTimerMsr(msr);
            ulong now = timer ? vcpu.Platform.NowNanoseconds : 0;
            if (timer)
                devices.AdvanceTo(now);
            if (!write)
                return devices.Apic.TryReadMsr(msr, out value);
            bool written = devices.Apic.TryWriteMsr(msr, value);
            if (timer)
                devices.AdvanceTo(now);
            return written;
        }

        private static bool TryRead<TVmcs, TPlatform>(ref Vcpu<TVmcs, TPlatform> vcpu, uint msr, out ulong value)
            where TVmcs : struct, IVmcs
            where TPlatform : struct, IGuestPlatform
        {
            value = 0;
            switch (msr)
            {
                case MsrPolicy.Ia32Tsc: value = vcpu.Platform.ReadTsc(); return true;
                case MsrPolicy.Ia32FeatureControl: value = FeatureControlLockedVmxOff; return true;
                case MsrPolicy.Ia32MiscEnable: value = MiscEnableDefault; return true;
                case MsrPolicy.Ia32MtrrDefType: value = vcpu.Msrs.MtrrDefType; return true;
                case MsrPolicy.Ia32Pat: value = vcpu.Vmcs.Read(VmcsField64.GuestIa32Pat); return true;
                case MsrPolicy.Ia32Efer: value = vcpu.Vmcs.Read(VmcsField64.GuestIa32Efer); return true;
                case MsrPolicy.Ia32TscAdjust:
                case MsrPolicy.Ia32BiosSignId:
                case MsrPolicy.Ia32Mtrrcap:
                case MsrPolicy.Ia32McgCap:
                case MsrPolicy.Ia32McgStatus:
                    return true;
                default:
                    return false;
            }
        }

        private static bool TryWrite<TVmcs, TPlatform>(ref Vcpu<TVmcs, TPlatform> vcpu, uint msr, ulong value)
            where TVmcs : struct, IVmcs
            where TPlatform : struct, IGuestPlatform
        {
            switch (msr)
            {
                case MsrPolicy.Ia32MtrrDefType: vcpu.Msrs.MtrrDefType = value; return true;
                case MsrPolicy.Ia32Pat:
                    if (!IsValidPat(value))
                        return false;
                    vcpu.Vmcs.Write(VmcsField64.GuestIa32Pat, value);
                    return true;
                case MsrPolicy.Ia32Efer: return TryWriteEfer(ref vcpu, value);
                case MsrPolicy.Ia32Tsc:
                case MsrPolicy.Ia32TscAdjust:
                case MsrPolicy.Ia32BiosSignId:
                case MsrPolicy.Ia32MiscEnable:
                case MsrPolicy.Ia32McgStatus:
                    return true;
                default:
                    return false;
            }
        }

        // LMA is the CPU's to set (with CR0.PG); keep the guest's value of it, refuse reserved bits.
        // LME cannot change while CR0.PG = 1 (SDM Vol. 3A, 4.1.2): #GP, as VM entry would fail on it.
        private static bool TryWriteEfer<TVmcs, TPlatform>(ref Vcpu<TVmcs, TPlatform> vcpu, ulong value)
            where TVmcs : struct, IVmcs
            where TPlatform : struct, IGuestPlatform
        {
            if ((value & ~(EferSce | EferLme | EferLma | EferNxe)) != 0)
                return false;
            ulong current = vcpu.Vmcs.Read(VmcsField64.GuestIa32Efer);
            if (((value ^ current) & EferLme) != 0 && (vcpu.Vmcs.Read(VmcsFieldNatural.GuestCr0) & Cr0Pg) != 0)
                return false;
            vcpu.Vmcs.Write(VmcsField64.GuestIa32Efer, (value & ~EferLma) | (current & EferLma));
            return true;
        }

        // Each of the eight entries must be a memory type: UC 0, WC 1, WT 4, WP 5, WB 6, UC- 7; anything
        // else is #GP on WRMSR (SDM Vol. 3A, "IA32_PAT MSR") and would fail VM entry if stored.
        private static bool IsValidPat(ulong value)
        {
            for (int shift = 0; shift < 64; shift += 8)
            {
                ulong type = (value >> shift) & 0xFF;
                if (type == 2 || type == 3 || type > 7)
                    return false;
            }
            return true;
        }
    }
}
