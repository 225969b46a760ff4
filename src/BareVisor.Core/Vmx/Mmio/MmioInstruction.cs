// Pure data: what MmioDecoder learned about the instruction that touched an MMIO page. Runs in
// VMX root; never allocates.
namespace BareVisor.Core.Vmx.Mmio
{
    /// <summary>The guest's code size: default operand and address size of the code it runs.</summary>
    public enum CodeSize : byte
    {
        Bits16,
        Bits32,
        Bits64,
    }

    public enum MmioAccessKind : byte
    {
        None,

        /// <summary>Memory to register (MOV r, m; MOVZX; MOVSX; MOV AL/AX/EAX/RAX, moffs).</summary>
        ReadToRegister,

        /// <summary>Register to memory (MOV m, r; MOV moffs, AL/AX/EAX/RAX).</summary>
        WriteFromRegister,

        /// <summary>Immediate to memory (MOV m, imm).</summary>
        WriteImmediate,
    }

    /// <summary>How a value read narrower than its destination register widens (MOVZX, MOVSX).</summary>
    public enum MmioExtension : byte
    {
        None,
        Zero,
        Sign,
    }

    public enum MmioDecodeError : byte
    {
        None,

        /// <summary>Fewer bytes were supplied than the instruction needs (the fetch stopped early).</summary>
        Truncated,

        /// <summary>Longer than 15 bytes: the CPU raises #GP.</summary>
        TooLong,

        /// <summary>LOCK, REP/REPNE (also XACQUIRE/XRELEASE) prefixes are not emulated.</summary>
        UnsupportedPrefix,

        /// <summary>An instruction other than the MOV forms the decoder knows.</summary>
        UnsupportedOpcode,

        /// <summary>A MOV form whose ModRM names a register, not memory: it cannot touch MMIO.</summary>
        RegisterOperand,

        /// <summary>An undefined encoding of a known opcode (C6/C7 with a ModRM.reg other than 0).</summary>
        InvalidEncoding,
    }

    public struct MmioInstruction
    {
        /// <summary>Bytes the instruction occupies, prefixes included.</summary>
        public int Length;

        public MmioAccessKind Kind;

        /// <summary>Bytes of memory accessed: 1, 2, 4 or 8.</summary>
        public int Size;

        /// <summary>Bytes of the register operand: Size, or wider for MOVZX/MOVSX.</summary>
        public int RegisterSize;

        /// <summary>General register number, SDM order (0 = RAX ... 15 = R15).</summary>
        public int Register;

        /// <summary>The register operand is AH, CH, DH or BH: bits 15:8 of Register 0..3.</summary>
        public bool HighByteRegister;

        /// <summary>For WriteImmediate: the value, already widened to Size bytes (imm32 sign-extended for 64-bit stores).</summary>
        public ulong Immediate;

        public MmioExtension Extension;

        public MmioDecodeError Error;

        public bool Valid => Error == MmioDecodeError.None && Kind != MmioAccessKind.None;

        public bool IsWrite => Kind == MmioAccessKind.WriteFromRegister || Kind == MmioAccessKind.WriteImmediate;

        public static string Describe(MmioDecodeError error) => error switch
        {
            MmioDecodeError.None => "valid",
            MmioDecodeError.Truncated => "instruction bytes end early",
            MmioDecodeError.TooLong => "longer than 15 bytes",
            MmioDecodeError.UnsupportedPrefix => "LOCK or REP prefix",
            MmioDecodeError.UnsupportedOpcode => "not a MOV form BareVisor emulates",
            MmioDecodeError.RegisterOperand => "no memory operand",
            _ => "undefined encoding",
        };
    }
}
