// Pure logic; no hardware. Exit qualification of an I/O-instruction exit (Intel SDM Vol. 3C, table
// "Exit Qualification for I/O Instructions"). Runs in VMX root; never allocates.
namespace BareVisor.Core.Vmx
{
    public readonly struct IoExitQualification
    {
        public readonly ulong Value;

        public IoExitQualification(ulong value) { Value = value; }

        /// <summary>Bits 2:0 plus one: 1, 2 or 4 bytes (encodings 0, 1, 3; 2 is not used).</summary>
        public int Size => (int)(Value & 7) + 1;

        /// <summary>Bit 3: IN/INS (true) or OUT/OUTS (false).</summary>
        public bool IsIn => (Value & (1UL << 3)) != 0;

        /// <summary>Bit 4: INS or OUTS.</summary>
        public bool IsString => (Value & (1UL << 4)) != 0;

        /// <summary>Bit 5: REP prefixed.</summary>
        public bool IsRep => (Value & (1UL << 5)) != 0;

        /// <summary>Bit 6: the port came from an immediate operand (false: from DX).</summary>
        public bool OperandIsImmediate => (Value & (1UL << 6)) != 0;

        /// <summary>Bits 31:16: the port number.</summary>
        public ushort Port => (ushort)(Value >> 16);
    }
}
