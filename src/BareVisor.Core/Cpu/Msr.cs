// Pure logic; no hardware. MSR indices with the Intel SDM's names (Vol. 4, Table 2-2; VMX ones from Vol. 3D, Appendix A).
namespace BareVisor.Core.Cpu
{
    public static class Msr
    {
        public const uint Ia32FeatureControl = 0x3A;
        public const uint Ia32ApicBase = 0x1B;
        public const uint Ia32VmxBasic = 0x480;
        public const uint Ia32VmxPinbasedCtls = 0x481;
        public const uint Ia32VmxProcbasedCtls = 0x482;
        public const uint Ia32VmxExitCtls = 0x483;
        public const uint Ia32VmxEntryCtls = 0x484;
        public const uint Ia32VmxMisc = 0x485;
        public const uint Ia32VmxCr0Fixed0 = 0x486;
        public const uint Ia32VmxCr0Fixed1 = 0x487;
        public const uint Ia32VmxCr4Fixed0 = 0x488;
        public const uint Ia32VmxCr4Fixed1 = 0x489;
        public const uint Ia32VmxVmcsEnum = 0x48A;
        public const uint Ia32VmxProcbasedCtls2 = 0x48B;
        public const uint Ia32VmxEptVpidCap = 0x48C;
        public const uint Ia32VmxTruePinbasedCtls = 0x48D;
        public const uint Ia32VmxTrueProcbasedCtls = 0x48E;
        public const uint Ia32VmxTrueExitCtls = 0x48F;
        public const uint Ia32VmxTrueEntryCtls = 0x490;
        public const uint Ia32VmxVmfunc = 0x491;
        public const uint Ia32VmxProcbasedCtls3 = 0x492;
        public const uint Ia32Efer = 0xC0000080;

        /// <summary>The SDM name of a VMX capability MSR (0x480-0x492); null for any other index.</summary>
        public static string VmxCapabilityName(uint index) => index switch
        {
            Ia32VmxBasic => "IA32_VMX_BASIC",
            Ia32VmxPinbasedCtls => "IA32_VMX_PINBASED_CTLS",
            Ia32VmxProcbasedCtls => "IA32_VMX_PROCBASED_CTLS",
            Ia32VmxExitCtls => "IA32_VMX_EXIT_CTLS",
            Ia32VmxEntryCtls => "IA32_VMX_ENTRY_CTLS",
            Ia32VmxMisc => "IA32_VMX_MISC",
            Ia32VmxCr0Fixed0 => "IA32_VMX_CR0_FIXED0",
            Ia32VmxCr0Fixed1 => "IA32_VMX_CR0_FIXED1",
            Ia32VmxCr4Fixed0 => "IA32_VMX_CR4_FIXED0",
            Ia32VmxCr4Fixed1 => "IA32_VMX_CR4_FIXED1",
            Ia32VmxVmcsEnum => "IA32_VMX_VMCS_ENUM",
            Ia32VmxProcbasedCtls2 => "IA32_VMX_PROCBASED_CTLS2",
            Ia32VmxEptVpidCap => "IA32_VMX_EPT_VPID_CAP",
            Ia32VmxTruePinbasedCtls => "IA32_VMX_TRUE_PINBASED_CTLS",
            Ia32VmxTrueProcbasedCtls => "IA32_VMX_TRUE_PROCBASED_CTLS",
            Ia32VmxTrueExitCtls => "IA32_VMX_TRUE_EXIT_CTLS",
            Ia32VmxTrueEntryCtls => "IA32_VMX_TRUE_ENTRY_CTLS",
            Ia32VmxVmfunc => "IA32_VMX_VMFUNC",
            Ia32VmxProcbasedCtls3 => "IA32_VMX_PROCBASED_CTLS3",
            _ => null,
        };
    }
}
