// Pure logic; no hardware. IA32_VMX_BASIC (MSR 0x480): VMCS revision and size (Intel SDM Vol. 3D, A.1).
namespace BareVisor.Core.Cpu
{
    public readonly struct Ia32VmxBasic
    {
        public const uint Index = Msr.Ia32VmxBasic;

        public readonly ulong Value;

        public Ia32VmxBasic(ulong value) { Value = value; }

        /// <summary>Bits 30:0: written to the first dword of VMXON and VMCS regions.</summary>
        public uint VmcsRevision => (uint)(Value & 0x7FFF_FFFF);

        /// <summary>Bits 44:32: bytes to allocate for a VMXON or VMCS region (at most 4096).</summary>
        public uint VmcsRegionSize => (uint)((Value >> 32) & 0x1FFF);

        /// <summary>Bit 48: VMXON/VMCS addresses are limited to 32 bits.</summary>
        public bool PhysicalAddressWidth32 => (Value & (1UL << 48)) != 0;

        /// <summary>Bits 53:50: memory type for the VMCS (6 = write-back).</summary>
        public uint VmcsMemoryType => (uint)((Value >> 50) & 0xF);

        /// <summary>Bit 54: VM exits for INS/OUTS report instruction information.</summary>
        public bool InsOutsReporting => (Value & (1UL << 54)) != 0;

        /// <summary>Bit 55: the IA32_VMX_TRUE_*_CTLS MSRs exist and default-1 controls may be cleared.</summary>
        public bool TrueControls => (Value & (1UL << 55)) != 0;
    }
}
