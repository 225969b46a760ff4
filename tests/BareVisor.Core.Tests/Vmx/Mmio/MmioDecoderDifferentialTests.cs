// Host test code. The MMIO decoder against Iced over many encodings in 16-, 32- and 64-bit code:
// a structured sweep (prefix sets x opcodes x every ModRM x SIB bytes x two displacement/immediate
// patterns), every first-two-byte combination, and seeded random byte strings. For each: if
// Iced decodes a MOV/MOVZX/MOVSX with a memory operand (no LOCK/REP), ours must be Valid and agree
// on length, size, register, direction, immediate and extension; otherwise ours must not be
// Valid. Every Valid decoding must also become Truncated when its bytes are cut short.
using System;
using System.Collections.Generic;
using BareVisor.Core.Vmx.Mmio;
using Iced.Intel;
using Xunit.Abstractions;
using CodeSize = BareVisor.Core.Vmx.Mmio.CodeSize;

namespace BareVisor.Core.Tests.Vmx.Mmio
{
    internal sealed class DifferentialRun
    {
        public const int BufferLength = 20;

        public readonly CodeSize Mode;
        public readonly HashSet<Code> ValidCodes = new HashSet<Code>();
        public readonly List<string> Failures = new List<string>();
        public long Cases, ValidCases, TruncationChecks;

        private readonly BufferReader reader = new BufferReader(BufferLength);
        private readonly IcedReference iced;

        public DifferentialRun(CodeSize mode)
        {
            Mode = mode;
            iced = new IcedReference(mode, reader);
            reader.Length = BufferLength;
        }

        public byte[] Buffer => reader.Buffer;

        /// <summary>Writes bytes at `at` in the buffer; returns the index after them.</summary>
        public int Put(int at, ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(Buffer.AsSpan(at));
            return at + bytes.Length;
        }

        public void Check(bool checkTruncation)
        {
            Cases++;
            Instruction instruction = iced.Decode();
            ReadOnlySpan<byte> bytes = Buffer;
            MmioInstruction ours = MmioDecoder.Decode(bytes, Mode);
            if (IcedReference.TryExpect(instruction, out MmioInstruction expected))
            {
                string difference = IcedReference.Compare(expected, ours);
                if (difference.Length > 0)
                {
                    Fail("disagrees with Iced's `" + instruction + "` (" + instruction.Code + "):" + difference);
                    return;
                }
                ValidCases++;
                ValidCodes.Add(instruction.Code);
                if (checkTruncation)
                    CheckTruncation(bytes, ours.Length);
            }
            else if (ours.Valid)
                Fail("ours is Valid (" + ours.Kind + ", size " + ours.Size + ", length " + ours.Length + ") but Iced decodes `"
                    + instruction + "` (" + instruction.Code + ")");
        }

        private void CheckTruncation(ReadOnlySpan<byte> bytes, int length)
        {
            for (int cut = 0; cut < length; cut++)
            {
                TruncationChecks++;
                MmioInstruction shorter = MmioDecoder.Decode(bytes.Slice(0, cut), Mode);
                if (shorter.Error != MmioDecodeError.Truncated)
                    Fail("cut to " + cut + " bytes gives " + shorter.Error + " instead of Truncated");
            }
        }

        private void Fail(string what)
        {
            if (Failures.Count < 25)
                Failures.Add(Mode + " [" + IcedReference.Hex(Buffer.AsSpan(0, 15)) + "]: " + what);
        }

        public void AssertNoFailures()
        {
            Assert.True(Failures.Count == 0, Failures.Count + " disagreement(s), first ones:\n" + string.Join("\n", Failures));
        }
    }

    public class MmioDecoderDifferentialTests
    {
        private readonly ITestOutputHelper output;

        public MmioDecoderDifferentialTests(ITestOutputHelper output) => this.output = output;

        private void Report(DifferentialRun run, string what) =>
            output.WriteLine(run.Mode + " " + what + ": " + run.Cases + " cases, " + run.ValidCases + " Valid (agreeing with Iced), "
                + run.TruncationChecks + " truncations, " + run.ValidCodes.Count + " distinct Iced codes");

        // Displacement/immediate bytes after ModRM/SIB: small positive values, and values with the
        // top bit set (negative imm8/imm32, so sign extension is exercised).
        private static readonly byte[][] s_tails =
        {
            new byte[] { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x08, 0x19, 0x2A, 0x3B, 0x4C, 0x5D, 0x6E, 0x7F, 0x01, 0x02, 0x03 },
            new byte[] { 0xF1, 0xE2, 0xD3, 0xC4, 0xB5, 0xA6, 0x97, 0x88, 0xF9, 0xEA, 0xDB, 0xCC, 0xBD, 0xAE, 0x9F, 0x80, 0x81, 0x82 },
        };

        // Opcodes the decoder emulates, then look-alikes it must refuse (ALU ops, XCHG, TEST, LEA,
        // MOV Sreg, group opcodes, string ops, CMPXCHG/XADD, SSE moves, MOVSXD/ARPL, MOVBE,
        // CMOVcc, BT*, VEX/EVEX/XOP escapes, INC/DEC/PUSH/POP ...).
        private static readonly byte[][] s_opcodes =
        {
            new byte[] { 0x88 }, new byte[] { 0x89 }, new byte[] { 0x8A }, new byte[] { 0x8B },
            new byte[] { 0xC6 }, new byte[] { 0xC7 }, new byte[] { 0xA0 }, new byte[] { 0xA1 },
            new byte[] { 0xA2 }, new byte[] { 0xA3 }, new byte[] { 0x0F, 0xB6 }, new byte[] { 0x0F, 0xB7 },
            new byte[] { 0x0F, 0xBE }, new byte[] { 0x0F, 0xBF },
            new byte[] { 0x00 }, new byte[] { 0x01 }, new byte[] { 0x02 }, new byte[] { 0x03 },
            new byte[] { 0x08 }, new byte[] { 0x09 }, new byte[] { 0x0A }, new byte[] { 0x0B },
            new byte[] { 0x20 }, new byte[] { 0x21 }, new byte[] { 0x22 }, new byte[] { 0x23 },
            new byte[] { 0x30 }, new byte[] { 0x31 }, new byte[] { 0x38 }, new byte[] { 0x3B },
            new byte[] { 0x84 }, new byte[] { 0x85 }, new byte[] { 0x86 }, new byte[] { 0x87 },
            new byte[] { 0x80 }, new byte[] { 0x81 }, new byte[] { 0x83 }, new byte[] { 0x8C },
            new byte[] { 0x8D }, new byte[] { 0x8E }, new byte[] { 0x8F }, new byte[] { 0x63 },
            new byte[] { 0x62 }, new byte[] { 0xC4 }, new byte[] { 0xC5 }, new byte[] { 0xC0 },
            new byte[] { 0xC1 }, new byte[] { 0xD0 }, new byte[] { 0xD1 }, new byte[] { 0xF6 },
            new byte[] { 0xF7 }, new byte[] { 0xFE }, new byte[] { 0xFF }, new byte[] { 0xA4 },
            new byte[] { 0xA5 }, new byte[] { 0xAA }, new byte[] { 0xAB }, new byte[] { 0xAC },
            new byte[] { 0xAD }, new byte[] { 0x40 }, new byte[] { 0x48 }, new byte[] { 0x50 },
            new byte[] { 0x0F, 0xB0 }, new byte[] { 0x0F, 0xB1 }, new byte[] { 0x0F, 0xC0 }, new byte[] { 0x0F, 0xC1 },
            new byte[] { 0x0F, 0xB8 }, new byte[] { 0x0F, 0xBC }, new byte[] { 0x0F, 0xA3 }, new byte[] { 0x0F, 0xBA },
            new byte[] { 0x0F, 0x10 }, new byte[] { 0x0F, 0x11 }, new byte[] { 0x0F, 0x28 }, new byte[] { 0x0F, 0x6E },
            new byte[] { 0x0F, 0x7E }, new byte[] { 0x0F, 0xC3 }, new byte[] { 0x0F, 0x44 }, new byte[] { 0x0F, 0x18 },
            new byte[] { 0x0F, 0x0D }, new byte[] { 0x0F, 0x38, 0xF0 }, new byte[] { 0x0F, 0x38, 0xF1 }, new byte[] { 0x0F, 0xC7 },
        };

        private static readonly byte[] s_sibSample = { 0x00, 0x05, 0x24, 0x25, 0x65, 0xA5, 0xE4, 0xFD };

        private static byte[][] PrefixSets(CodeSize mode)
        {
            List<byte[]> sets = new List<byte[]>
            {
                Array.Empty<byte>(), new byte[] { 0x66 }, new byte[] { 0x67 }, new byte[] { 0x66, 0x67 },
                new byte[] { 0x2E }, new byte[] { 0x3E, 0x66 }, new byte[] { 0x64, 0x67 }, new byte[] { 0x65, 0x26, 0x36 },
                new byte[] { 0x66, 0x66 }, new byte[] { 0x67, 0x67, 0x66 }, new byte[] { 0xF0 }, new byte[] { 0xF3 },
                new byte[] { 0xF2, 0x66 }, new byte[] { 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66 },
            };
            if (mode == CodeSize.Bits64)
            {
                sets.Add(new byte[] { 0x40 });
                sets.Add(new byte[] { 0x41 });
                sets.Add(new byte[] { 0x42 });
                sets.Add(new byte[] { 0x44 });
                sets.Add(new byte[] { 0x48 });
                sets.Add(new byte[] { 0x4F });
                sets.Add(new byte[] { 0x66, 0x48 });
                sets.Add(new byte[] { 0x66, 0x45 });
                sets.Add(new byte[] { 0x67, 0x4C });
                sets.Add(new byte[] { 0x48, 0x66 });       // REX before a legacy prefix is ignored
                sets.Add(new byte[] { 0x2E, 0x49 });
                sets.Add(new byte[] { 0x44, 0x40 });       // only the last REX counts
                sets.Add(new byte[] { 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x48 });
            }
            return sets.ToArray();
        }

        // Each form must show up Valid at least once in the sweep of its mode.
        private static Code[] RequiredCodes(CodeSize mode)
        {
            List<Code> codes = new List<Code>
            {
                Code.Mov_rm8_r8, Code.Mov_rm16_r16, Code.Mov_rm32_r32, Code.Mov_r8_rm8, Code.Mov_r16_rm16, Code.Mov_r32_rm32,
                Code.Mov_rm8_imm8, Code.Mov_rm16_imm16, Code.Mov_rm32_imm32,
                Code.Mov_AL_moffs8, Code.Mov_AX_moffs16, Code.Mov_EAX_moffs32, Code.Mov_moffs8_AL, Code.Mov_moffs16_AX, Code.Mov_moffs32_EAX,
                Code.Movzx_r16_rm8, Code.Movzx_r32_rm8, Code.Movzx_r16_rm16, Code.Movzx_r32_rm16,
                Code.Movsx_r16_rm8, Code.Movsx_r32_rm8, Code.Movsx_r16_rm16, Code.Movsx_r32_rm16,
            };
            if (mode == CodeSize.Bits64)
            {
                codes.AddRange(new[]
                {
                    Code.Mov_rm64_r64, Code.Mov_r64_rm64, Code.Mov_rm64_imm32, Code.Mov_RAX_moffs64, Code.Mov_moffs64_RAX,
                    Code.Movzx_r64_rm8, Code.Movzx_r64_rm16, Code.Movsx_r64_rm8, Code.Movsx_r64_rm16,
                });
            }
            return codes.ToArray();
        }

        public static TheoryData<CodeSize> Modes => new TheoryData<CodeSize> { CodeSize.Bits16, CodeSize.Bits32, CodeSize.Bits64 };

        [Theory]
        [MemberData(nameof(Modes))]
        public void Structured_sweep_agrees_with_Iced_and_covers_every_form(CodeSize mode)
        {
            DifferentialRun run = new DifferentialRun(mode);
            byte[][] prefixSets = PrefixSets(mode);
            for (int p = 0; p < prefixSets.Length; p++)
            {
                // Every SIB byte for the plain and address-size-prefixed forms; a sample otherwise.
                bool allSibs = p <= 3;
                foreach (byte[] opcode in s_opcodes)
                {
                    for (int modRm = 0; modRm < 256; modRm++)
                    {
                        bool hasSib = (modRm & 7) == 4 && modRm < 0xC0;
                        int sibCount = hasSib ? (allSibs ? 256 : s_sibSample.Length) : 1;
                        for (int s = 0; s < sibCount; s++)
                        {
                            foreach (byte[] tail in s_tails)
                            {
                                int at = run.Put(0, prefixSets[p]);
                                at = run.Put(at, opcode);
                                run.Buffer[at++] = (byte)modRm;
                                if (hasSib)
                                    run.Buffer[at++] = allSibs ? (byte)s : s_sibSample[s];
                                run.Put(at, tail.AsSpan(0, DifferentialRun.BufferLength - at));
                                run.Check(checkTruncation: true);
                            }
                        }
                    }
                }
            }
            Report(run, "structured sweep");
            run.AssertNoFailures();
            foreach (Code code in RequiredCodes(mode))
                Assert.True(run.ValidCodes.Contains(code), mode + ": the sweep never produced a Valid " + code);
            Assert.True(run.Cases > 500_000 && run.ValidCases > 50_000, "sweep too small: " + run.Cases + " cases, " + run.ValidCases + " valid");
        }

        [Theory]
        [MemberData(nameof(Modes))]
        public void Every_first_two_bytes_agree_with_Iced(CodeSize mode)
        {
            DifferentialRun run = new DifferentialRun(mode);
            foreach (byte[] tail in s_tails)
            {
                for (int first = 0; first < 256; first++)
                {
                    for (int second = 0; second < 256; second++)
                    {
                        run.Buffer[0] = (byte)first;
                        run.Buffer[1] = (byte)second;
                        run.Put(2, tail);
                        run.Check(checkTruncation: false);
                    }
                }
            }
            Report(run, "first two bytes");
            run.AssertNoFailures();
            Assert.True(run.ValidCases > 1000, mode + ": only " + run.ValidCases + " valid cases");
        }

        [Theory]
        [MemberData(nameof(Modes))]
        public void Random_byte_strings_agree_with_Iced(CodeSize mode)
        {
            byte[] prefixes = { 0x66, 0x67, 0x2E, 0x3E, 0x26, 0x36, 0x64, 0x65, 0xF0, 0xF2, 0xF3, 0x40, 0x41, 0x44, 0x48, 0x4C, 0x4F };
            byte[] opcodes = { 0x88, 0x89, 0x8A, 0x8B, 0xC6, 0xC7, 0xA0, 0xA1, 0xA2, 0xA3, 0x0F, 0x86, 0x87, 0x01, 0x8C, 0x8E };
            Random random = new Random(0x4D4D494F + (int)mode);
            DifferentialRun run = new DifferentialRun(mode);
            for (int i = 0; i < 300_000; i++)
            {
                random.NextBytes(run.Buffer);
                int at = 0;
                while (at < 6 && random.Next(3) == 0)
                    run.Buffer[at++] = prefixes[random.Next(prefixes.Length)];
                if (random.Next(4) != 0)
                    run.Buffer[at++] = opcodes[random.Next(opcodes.Length)];
                if (run.Buffer[at - 1 < 0 ? 0 : at - 1] == 0x0F && random.Next(2) == 0)
                    run.Buffer[at] = (byte)(0xB6 + random.Next(10));
                run.Check(checkTruncation: true);
            }
            Report(run, "random");
            run.AssertNoFailures();
            Assert.True(run.ValidCases > 10_000, mode + ": only " + run.ValidCases + " valid cases");
        }
    }
}
