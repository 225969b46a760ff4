// Decodes the one instruction at the guest's RIP that touched an MMIO page, for the forms guests
// use on device registers (Intel SDM Vol. 2, MOV/MOVZX/MOVSX):
//   88/89 MOV m, r    8A/8B MOV r, m    C6 /0, C7 /0 MOV m, imm    A0-A3 MOV AL/AX/EAX/RAX <-> moffs
//   0F B6/B7 MOVZX r, m8/m16    0F BE/BF MOVSX r, m8/m16
// with the 66 (operand size), 67 (address size), segment-override and (64-bit code) REX prefixes,
// in 16-, 32- and 64-bit code. The memory operand's address is not computed: the EPT violation
// already gives the guest-physical address; only the operand's length matters. Anything else is
// reported as not Valid, never guessed. Checked differentially against Iced in
// tests/BareVisor.Core.Tests/Vmx/Mmio. Pure logic; VMX root; never allocates.
using System;

namespace BareVisor.Core.Vmx.Mmio
{
    public static class MmioDecoder
    {
        public const int MaxInstructionLength = 15;

        private const ulong Cr0Pe = 1, RflagsVm = 1UL << 17, EferLma = 1UL << 10;
        private const uint CsLong = 1u << 13, CsDefaultBig = 1u << 14;

        /// <summary>The code size from CR0.PE, RFLAGS.VM, EFER.LMA and CS's L and D/B access-rights bits.</summary>
        public static CodeSize ModeOf(ulong cr0, ulong rflags, ulong efer, uint csAccessRights)
        {
            if ((cr0 & Cr0Pe) == 0 || (rflags & RflagsVm) != 0)
                return CodeSize.Bits16;
            if ((efer & EferLma) != 0 && (csAccessRights & CsLong) != 0)
                return CodeSize.Bits64;
            return (csAccessRights & CsDefaultBig) != 0 ? CodeSize.Bits32 : CodeSize.Bits16;
        }

        public static MmioInstruction Decode(ReadOnlySpan<byte> bytes, CodeSize mode)
        {
            int at = 0;
            bool operandPrefix = false, addressPrefix = false, hasRex = false;
            int rex = 0;
            for (; ; at++)
            {
                if (at >= MaxInstructionLength)
                    return Fail(MmioDecodeError.TooLong);
                if (at >= bytes.Length)
                    return Fail(MmioDecodeError.Truncated);
                byte b = bytes[at];
                if (b == 0x66)
                    operandPrefix = true;
                else if (b == 0x67)
                    addressPrefix = true;
                else if (b == 0x26 || b == 0x2E || b == 0x36 || b == 0x3E || b == 0x64 || b == 0x65)
                {
                    // Segment overrides: EPT already gave the guest-physical address.
                }
                else if (b == 0xF0 || b == 0xF2 || b == 0xF3)
                    return Fail(MmioDecodeError.UnsupportedPrefix);
                else if (mode == CodeSize.Bits64 && (b & 0xF0) == 0x40)
                {
                    hasRex = true;
                    rex = b;
                    continue;
                }
                else
                    break;
                hasRex = false;     // a REX prefix counts only right before the opcode
                rex = 0;
            }
            int operandSize = OperandSize(mode, operandPrefix, (rex & 8) != 0);
            int addressSize = AddressSize(mode, addressPrefix);
            byte opcode = bytes[at++];
            switch (opcode)
            {
                case 0x88: return ModRmForm(bytes, at, addressSize, rex, hasRex, MmioAccessKind.WriteFromRegister, 1, 1, MmioExtension.None);
                case 0x89: return ModRmForm(bytes, at, addressSize, rex, hasRex, MmioAccessKind.WriteFromRegister, operandSize, operandSize, MmioExtension.None);
                case 0x8A: return ModRmForm(bytes, at, addressSize, rex, hasRex, MmioAccessKind.ReadToRegister, 1, 1, MmioExtension.None);
                case 0x8B: return ModRmForm(bytes, at, addressSize, rex, hasRex, MmioAccessKind.ReadToRegister, operandSize, operandSize, MmioExtension.None);
                case 0xC6: return ImmediateForm(bytes, at, addressSize, 1);
                case 0xC7: return ImmediateForm(bytes, at, addressSize, operandSize);
                case 0xA0: return MoffsForm(bytes, at, addressSize, MmioAccessKind.ReadToRegister, 1);
                case 0xA1: return MoffsForm(bytes, at, addressSize, MmioAccessKind.ReadToRegister, operandSize);
                case 0xA2: return MoffsForm(bytes, at, addressSize, MmioAccessKind.WriteFromRegister, 1);
                case 0xA3: return MoffsForm(bytes, at, addressSize, MmioAccessKind.WriteFromRegister, operandSize);
                case 0x0F: return TwoByteForm(bytes, at, addressSize, rex, operandSize);
                default: return Fail(MmioDecodeError.UnsupportedOpcode);
            }
        }

        // 0F B6/B7 MOVZX, 0F BE/BF MOVSX: the register is never 8-bit, so REX does not change it.
        private static MmioInstruction TwoByteForm(ReadOnlySpan<byte> bytes, int at, int addressSize, int rex, int operandSize)
        {
            MmioDecodeError error = Check(bytes, at + 1);
            if (error != MmioDecodeError.None)
                return Fail(error);
            byte opcode = bytes[at];
            if (opcode != 0xB6 && opcode != 0xB7 && opcode != 0xBE && opcode != 0xBF)
                return Fail(MmioDecodeError.UnsupportedOpcode);
            int size = (opcode & 1) == 0 ? 1 : 2;
            MmioExtension extension = opcode < 0xB8 ? MmioExtension.Zero : MmioExtension.Sign;
            return ModRmForm(bytes, at + 1, addressSize, rex, true, MmioAccessKind.ReadToRegister, size, operandSize, extension);
        }

        private static MmioInstruction ModRmForm(ReadOnlySpan<byte> bytes, int at, int addressSize, int rex, bool hasRex,
            MmioAccessKind kind, int size, int registerSize, MmioExtension extension)
        {
            MmioDecodeError error = MemoryOperandEnd(bytes, at, addressSize, out int end);
            if (error != MmioDecodeError.None)
                return Fail(error);
            int register = ((bytes[at] >> 3) & 7) | ((rex & 4) << 1);
            MmioInstruction result = Success(end, kind, size, registerSize, extension);
            if (registerSize == 1 && !hasRex && register >= 4)
            {
                result.Register = register - 4;     // AH, CH, DH, BH
                result.HighByteRegister = true;
            }
            else
                result.Register = register;
            return result;
        }

        // C6 /0 ib, C7 /0 iw/id; in 64-bit code a 64-bit store takes imm32 sign-extended.
        private static MmioInstruction ImmediateForm(ReadOnlySpan<byte> bytes, int at, int addressSize, int size)
        {
            MmioDecodeError error = MemoryOperandEnd(bytes, at, addressSize, out int end);
            if (error != MmioDecodeError.None)
                return Fail(error);
            if (((bytes[at] >> 3) & 7) != 0)
                return Fail(MmioDecodeError.InvalidEncoding);
            int immediateSize = size == 8 ? 4 : size;
            error = Check(bytes, end + immediateSize);
            if (error != MmioDecodeError.None)
                return Fail(error);
            ulong immediate = ReadLittleEndian(bytes.Slice(end, immediateSize));
            if (size == 8)
                immediate = (ulong)(long)(int)(uint)immediate;
            MmioInstruction result = Success(end + immediateSize, MmioAccessKind.WriteImmediate, size, size, MmioExtension.None);
            result.Immediate = immediate;
            return result;
        }

        // A0-A3: the register is AL/AX/EAX/RAX; the offset is address-size bytes (8 in 64-bit code).
        private static MmioInstruction MoffsForm(ReadOnlySpan<byte> bytes, int at, int addressSize, MmioAccessKind kind, int size)
        {
            MmioDecodeError error = Check(bytes, at + addressSize);
            if (error != MmioDecodeError.None)
                return Fail(error);
            return Success(at + addressSize, kind, size, size, MmioExtension.None);
        }

        // Where the ModRM memory operand (ModRM, SIB, displacement) that starts at `at` ends.
        private static MmioDecodeError MemoryOperandEnd(ReadOnlySpan<byte> bytes, int at, int addressSize, out int end)
        {
            end = at + 1;
            MmioDecodeError error = Check(bytes, end);
            if (error != MmioDecodeError.None)
                return error;
            int modRm = bytes[at], mod = modRm >> 6, rm = modRm & 7;
            if (mod == 3)
                return MmioDecodeError.RegisterOperand;
            if (addressSize == 2)
            {
                end += mod == 1 ? 1 : mod == 2 || rm == 6 ? 2 : 0;
                return Check(bytes, end);
            }
            int baseRegister = rm;
            if (rm == 4)
            {
                error = Check(bytes, end + 1);
                if (error != MmioDecodeError.None)
                    return error;
                baseRegister = bytes[end] & 7;
                end++;
            }
            end += mod == 1 ? 1 : mod == 2 || baseRegister == 5 ? 4 : 0;
            return Check(bytes, end);
        }

        // An instruction ending at `end` (exclusive) fits the architectural limit and the bytes given.
        private static MmioDecodeError Check(ReadOnlySpan<byte> bytes, int end)
        {
            if (end > MaxInstructionLength)
                return MmioDecodeError.TooLong;
            return end > bytes.Length ? MmioDecodeError.Truncated : MmioDecodeError.None;
        }

        private static int OperandSize(CodeSize mode, bool operandPrefix, bool rexW)
        {
            if (rexW)
                return 8;
            bool wide = mode == CodeSize.Bits16 ? operandPrefix : !operandPrefix;
            return wide ? 4 : 2;
        }

        private static int AddressSize(CodeSize mode, bool addressPrefix) => mode switch
        {
            CodeSize.Bits16 => addressPrefix ? 4 : 2,
            CodeSize.Bits32 => addressPrefix ? 2 : 4,
            _ => addressPrefix ? 4 : 8,
        };

        private static ulong ReadLittleEndian(ReadOnlySpan<byte> bytes)
        {
            ulong value = 0;
            for (int i = 0; i < bytes.Length; i++)
                value |= (ulong)bytes[i] << (8 * i);
            return value;
        }

        private static MmioInstruction Success(int length, MmioAccessKind kind, int size, int registerSize, MmioExtension extension)
        {
            MmioInstruction result = default;
            result.Length = length;
            result.Kind = kind;
            result.Size = size;
            result.RegisterSize = registerSize;
            result.Extension = registerSize > size ? extension : MmioExtension.None;
            return result;
        }

        private static MmioInstruction Fail(MmioDecodeError error)
        {
            MmioInstruction result = default;
            result.Error = error;
            return result;
        }
    }
}
