// Host test code. What BareVisor's MMIO decoder must report for a byte sequence, derived from
// Iced's decoding of the same bytes: a MOV/MOVZX/MOVSX between a memory operand and a general
// register or an immediate, without LOCK/REP prefixes, must be Valid with the same length,
// memory size, register, direction, immediate and extension; everything else must not be Valid.
using System;
using BareVisor.Core.Vmx.Mmio;
using Iced.Intel;
using CodeSize = BareVisor.Core.Vmx.Mmio.CodeSize;
using IcedDecoder = Iced.Intel.Decoder;

namespace BareVisor.Core.Tests.Vmx.Mmio
{
    /// <summary>A CodeReader over a reusable buffer, so one Iced decoder serves millions of cases.</summary>
    internal sealed class BufferReader : CodeReader
    {
        public readonly byte[] Buffer;
        public int Length;
        public int Position;

        public BufferReader(int capacity) => Buffer = new byte[capacity];

        public override int ReadByte() => Position < Length ? Buffer[Position++] : -1;
    }

    internal sealed class IcedReference
    {
        private readonly BufferReader reader;
        private readonly IcedDecoder decoder;

        public IcedReference(CodeSize mode, BufferReader reader)
        {
            this.reader = reader;
            decoder = IcedDecoder.Create(Bitness(mode), reader, 0, DecoderOptions.None);
        }

        public static int Bitness(CodeSize mode) => mode switch
        {
            CodeSize.Bits16 => 16,
            CodeSize.Bits32 => 32,
            _ => 64,
        };

        public Instruction Decode()
        {
            reader.Position = 0;
            decoder.IP = 0;
            decoder.Decode(out Instruction instruction);
            return instruction;
        }

        /// <summary>True when BareVisor must emulate the instruction; `expected` then holds what it must report.</summary>
        public static bool TryExpect(in Instruction instruction, out MmioInstruction expected)
        {
            expected = default;
            if (instruction.Code == Code.INVALID || instruction.HasLockPrefix || instruction.HasRepPrefix || instruction.HasRepnePrefix)
                return false;
            Mnemonic mnemonic = instruction.Mnemonic;
            if ((mnemonic != Mnemonic.Mov && mnemonic != Mnemonic.Movzx && mnemonic != Mnemonic.Movsx) || instruction.OpCount != 2)
                return false;
            int memory = instruction.Op0Kind == OpKind.Memory ? 0 : instruction.Op1Kind == OpKind.Memory ? 1 : -1;
            if (memory < 0)
                return false;
            expected.Length = instruction.Length;
            expected.Size = instruction.MemorySize.GetSize();
            OpKind other = instruction.GetOpKind(1 - memory);
            if (other == OpKind.Register)
            {
                Register register = instruction.GetOpRegister(1 - memory);
                if (!register.IsGPR())
                    return false;
                expected.Kind = memory == 0 ? MmioAccessKind.WriteFromRegister : MmioAccessKind.ReadToRegister;
                expected.RegisterSize = register.GetSize();
                SetRegister(ref expected, register);
            }
            else if (IsImmediate(other))
            {
                expected.Kind = MmioAccessKind.WriteImmediate;
                expected.RegisterSize = expected.Size;
                expected.Immediate = instruction.GetImmediate(1);
            }
            else
                return false;
            if (expected.RegisterSize > expected.Size)
                expected.Extension = mnemonic == Mnemonic.Movsx ? MmioExtension.Sign : MmioExtension.Zero;
            return true;
        }

        private static void SetRegister(ref MmioInstruction expected, Register register)
        {
            if (register >= Register.AH && register <= Register.BH)
            {
                expected.Register = register - Register.AH;
                expected.HighByteRegister = true;
                return;
            }
            expected.Register = register.GetFullRegister() - Register.RAX;
        }

        private static bool IsImmediate(OpKind kind) =>
            kind == OpKind.Immediate8 || kind == OpKind.Immediate16 || kind == OpKind.Immediate32 || kind == OpKind.Immediate32to64;

        /// <summary>Empty when ours agrees with the expectation; otherwise what differs.</summary>
        public static string Compare(in MmioInstruction expected, in MmioInstruction actual)
        {
            if (!actual.Valid)
                return "ours is not Valid (" + actual.Error + ")";
            string difference = "";
            if (actual.Length != expected.Length) difference += " length " + actual.Length + " vs " + expected.Length;
            if (actual.Kind != expected.Kind) difference += " kind " + actual.Kind + " vs " + expected.Kind;
            if (actual.Size != expected.Size) difference += " size " + actual.Size + " vs " + expected.Size;
            if (actual.RegisterSize != expected.RegisterSize) difference += " register size " + actual.RegisterSize + " vs " + expected.RegisterSize;
            if (actual.Extension != expected.Extension) difference += " extension " + actual.Extension + " vs " + expected.Extension;
            if (expected.Kind == MmioAccessKind.WriteImmediate && actual.Immediate != expected.Immediate)
                difference += " immediate 0x" + actual.Immediate.ToString("x") + " vs 0x" + expected.Immediate.ToString("x");
            if (expected.Kind != MmioAccessKind.WriteImmediate &&
                (actual.Register != expected.Register || actual.HighByteRegister != expected.HighByteRegister))
                difference += " register " + actual.Register + (actual.HighByteRegister ? "h" : "") + " vs " + expected.Register + (expected.HighByteRegister ? "h" : "");
            return difference;
        }

        public static string Hex(ReadOnlySpan<byte> bytes)
        {
            char[] text = new char[bytes.Length * 3];
            for (int i = 0; i < bytes.Length; i++)
            {
                string pair = bytes[i].ToString("x2");
                text[3 * i] = pair[0];
                text[3 * i + 1] = pair[1];
                text[3 * i + 2] = ' ';
            }
            return new string(text).TrimEnd();
        }
    }
}
