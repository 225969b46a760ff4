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
        public const uint Ia32Efer = 0xC0000080;
    }
}
