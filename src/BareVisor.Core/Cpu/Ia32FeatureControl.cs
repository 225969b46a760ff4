// Pure logic; no hardware. IA32_FEATURE_CONTROL (MSR 0x3A): firmware's switch for VMX (Intel SDM Vol. 3C, 24.7).
namespace BareVisor.Core.Cpu
{
    public readonly struct Ia32FeatureControl
    {
        public const uint Index = Msr.Ia32FeatureControl;
        public const ulong LockBit = 1UL << 0;
        public const ulong VmxInsideSmxBit = 1UL << 1;
        public const ulong VmxOutsideSmxBit = 1UL << 2;

        public readonly ulong Value;

        public Ia32FeatureControl(ulong value) { Value = value; }

        /// <summary>Once set, the MSR cannot be written until reset (WRMSR raises #GP).</summary>
        public bool Locked => (Value & LockBit) != 0;
        public bool VmxInsideSmx => (Value & VmxInsideSmxBit) != 0;
        public bool VmxOutsideSmx => (Value & VmxOutsideSmxBit) != 0;
    }
}
