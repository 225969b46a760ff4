// Pure logic; no hardware. Exit qualification of a control-register access exit (Intel SDM Vol. 3C,
// table "Exit Qualification for Control-Register Accesses"). Runs in VMX root; never allocates.
namespace BareVisor.Core.Vmx
{
    /// <summary>Bits 5:4 of the qualification.</summary>
    public enum CrAccessType
    {
        MovToCr = 0,
        MovFromCr = 1,
        Clts = 2,
        Lmsw = 3,
    }

    public readonly struct CrAccessQualification
    {
        public readonly ulong Value;

        public CrAccessQualification(ulong value) { Value = value; }

        /// <summary>Bits 3:0: the control register (0 for CLTS and LMSW).</summary>
        public int ControlRegister => (int)(Value & 0xF);

        /// <summary>Bits 5:4.</summary>
        public CrAccessType AccessType => (CrAccessType)((Value >> 4) & 3);

        /// <summary>Bit 6, for LMSW: the source operand is in memory (false: a register).</summary>
        public bool LmswOperandIsMemory => (Value & (1UL << 6)) != 0;

        /// <summary>Bits 11:8, for MOV CR: the general register (0 RAX, 1 RCX, 2 RDX, 3 RBX, 4 RSP, 5 RBP, 6 RSI, 7 RDI, 8-15 R8-R15).</summary>
        public int GeneralRegister => (int)((Value >> 8) & 0xF);

        /// <summary>Bits 31:16, for LMSW: the source data.</summary>
        public uint LmswSourceData => (uint)(Value >> 16) & 0xFFFF;
    }
}
