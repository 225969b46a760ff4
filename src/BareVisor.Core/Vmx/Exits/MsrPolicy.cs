// BareVisor's explicit MSR list. Passed through (no exit; the MSR bitmap clears them): the ones
// the VMCS switches (SYSENTER_*, FS/GS base) and the SYSCALL MSRs and KERNEL_GS_BASE, which
// BareVisor itself never uses (they are cleared when each guest starts). Emulated: the entries
// below and the local APIC's (IA32_APIC_BASE, IA32_TSC_DEADLINE, x2APIC). Everything else raises
// #GP in the guest, reported once per MSR. Pure data.
using System;
using BareVisor.Core.Devices;

namespace BareVisor.Core.Vmx.Exits
{
    public enum MsrTreatment
    {
        NotEmulated,
        PassThrough,
        Emulated,
    }

    public static class MsrPolicy
    {
        public const uint Ia32Tsc = 0x10, Ia32ApicBase = 0x1B, Ia32FeatureControl = 0x3A, Ia32TscAdjust = 0x3B, Ia32BiosSignId = 0x8B;
        public const uint Ia32Mtrrcap = 0xFE, Ia32SysenterCs = 0x174, Ia32SysenterEsp = 0x175, Ia32SysenterEip = 0x176;
        public const uint Ia32McgCap = 0x179, Ia32McgStatus = 0x17A, Ia32MiscEnable = 0x1A0, Ia32Pat = 0x277;
        public const uint Ia32MtrrDefType = 0x2FF, Ia32Efer = 0xC0000080, Ia32Star = 0xC0000081, Ia32Lstar = 0xC0000082;
        public const uint Ia32Cstar = 0xC0000083, Ia32Fmask = 0xC0000084, Ia32FsBase = 0xC0000100;
        public const uint Ia32GsBase = 0xC0000101, Ia32KernelGsBase = 0xC0000102, Ia32TscAux = 0xC0000103;

        private static readonly uint[] s_passThrough =
        {
            Ia32SysenterCs, Ia32SysenterEsp, Ia32SysenterEip, Ia32FsBase, Ia32GsBase,
            Ia32KernelGsBase, Ia32Star, Ia32Lstar, Ia32Cstar, Ia32Fmask, Ia32TscAux,
        };

        private static readonly uint[] s_emulated =
        {
            Ia32Tsc, Ia32FeatureControl, Ia32TscAdjust, Ia32BiosSignId, Ia32Mtrrcap, Ia32McgCap,
            Ia32McgStatus, Ia32MiscEnable, Ia32Pat, Ia32MtrrDefType, Ia32Efer,
        };

        private static readonly uint[] s_clearedAtGuestStart =
        {
            Ia32KernelGsBase, Ia32Star, Ia32Lstar, Ia32Cstar, Ia32Fmask, Ia32TscAux,
        };

        public static ReadOnlySpan<uint> PassThroughMsrs => s_passThrough;

        // The SYSCALL/SWAPGS MSRs a guest inherits from the CPU: cleared before each guest starts.
        public static ReadOnlySpan<uint> ClearedAtGuestStart => s_clearedAtGuestStart;

        public static MsrTreatment Treatment(uint msr)
        {
            if (Contains(s_passThrough, msr))
                return MsrTreatment.PassThrough;
            return Contains(s_emulated, msr) || LocalApic.HandlesMsr(msr) ? MsrTreatment.Emulated : MsrTreatment.NotEmulated;
        }

        private static bool Contains(uint[] list, uint msr)
        {
            foreach (uint entry in list)
            {
                if (entry == msr)
                    return true;
            }
            return false;
        }
    }
}
