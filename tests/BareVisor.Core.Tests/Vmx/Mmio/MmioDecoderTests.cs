// Host test code. Hand-picked MMIO decoder cases: what guests' device drivers emit (readl/writel,
// byte and word registers, absolute-address loads), the high-byte registers, REX rules, and each
// reason an instruction is refused. The exhaustive comparison with Iced is in
// MmioDecoderDifferentialTests.
using System;
using BareVisor.Core.Vmx.Mmio;

namespace BareVisor.Core.Tests.Vmx.Mmio
{
    public class MmioDecoderTests
    {
        private static MmioInstruction Decode(CodeSize mode, params byte[] bytes) => MmioDecoder.Decode(bytes, mode);

        [Fact]
        public void Readl_into_eax_with_absolute_address_in_32_bit_code()
        {
            MmioInstruction i = Decode(CodeSize.Bits32, 0x8B, 0x05, 0x00, 0x00, 0xC0, 0xFE);    // mov eax, [0xFEC00000]
            Assert.True(i.Valid);
            Assert.Equal(6, i.Length);
            Assert.Equal(MmioAccessKind.ReadToRegister, i.Kind);
            Assert.Equal(4, i.Size);
            Assert.Equal(4, i.RegisterSize);
            Assert.Equal(0, i.Register);
            Assert.False(i.HighByteRegister);
            Assert.Equal(MmioExtension.None, i.Extension);
        }

        [Fact]
        public void Moffs_forms_take_an_address_size_offset()
        {
            MmioInstruction i = Decode(CodeSize.Bits32, 0xA1, 0x00, 0x00, 0xC0, 0xFE);          // mov eax, [moffs32]
            Assert.Equal((true, 5, MmioAccessKind.ReadToRegister, 4, 0), (i.Valid, i.Length, i.Kind, i.Size, i.Register));
            i = Decode(CodeSize.Bits64, 0xA2, 0, 0, 0xC0, 0xFE, 0, 0, 0, 0);                    // mov [moffs64], al
            Assert.Equal((true, 9, MmioAccessKind.WriteFromRegister, 1), (i.Valid, i.Length, i.Kind, i.Size));
            i = Decode(CodeSize.Bits64, 0x67, 0x48, 0xA3, 0, 0, 0xC0, 0xFE);                    // mov [moffs32], rax
            Assert.Equal((true, 7, 8), (i.Valid, i.Length, i.Size));
            i = Decode(CodeSize.Bits16, 0xA0, 0x34, 0x12);                                      // mov al, [0x1234]
            Assert.Equal((true, 3, 1), (i.Valid, i.Length, i.Size));
        }

        [Fact]
        public void Byte_registers_4_to_7_are_AH_to_BH_without_REX_and_SPL_to_DIL_with_it()
        {
            MmioInstruction ah = Decode(CodeSize.Bits64, 0x88, 0x20);                           // mov [rax], ah
            Assert.Equal((0, true), (ah.Register, ah.HighByteRegister));
            MmioInstruction bh = Decode(CodeSize.Bits32, 0x8A, 0x3B);                           // mov bh, [ebx]
            Assert.Equal((3, true, MmioAccessKind.ReadToRegister), (bh.Register, bh.HighByteRegister, bh.Kind));
            MmioInstruction spl = Decode(CodeSize.Bits64, 0x40, 0x88, 0x20);                    // mov [rax], spl
            Assert.Equal((4, false), (spl.Register, spl.HighByteRegister));
            MmioInstruction r12b = Decode(CodeSize.Bits64, 0x44, 0x88, 0x20);                   // mov [rax], r12b
            Assert.Equal((12, false), (r12b.Register, r12b.HighByteRegister));
        }

        [Fact]
        public void REX_selects_R8_to_R15_and_64_bit_size_and_counts_only_before_the_opcode()
        {
            MmioInstruction r9 = Decode(CodeSize.Bits64, 0x4C, 0x8B, 0x08);                     // mov r9, [rax]
            Assert.Equal((9, 8), (r9.Register, r9.Size));
            MmioInstruction ignored = Decode(CodeSize.Bits64, 0x4C, 0x66, 0x8B, 0x08);          // REX then 66: REX dropped
            Assert.Equal((1, 2, 4), (ignored.Register, ignored.Size, ignored.Length));
            MmioInstruction wWins = Decode(CodeSize.Bits64, 0x66, 0x48, 0x89, 0x08);            // REX.W beats 66
            Assert.Equal(8, wWins.Size);
        }

        [Fact]
        public void In_32_bit_code_40_to_4F_are_not_prefixes()
        {
            Assert.Equal(MmioDecodeError.UnsupportedOpcode, Decode(CodeSize.Bits32, 0x48, 0x89, 0x08).Error);
        }

        [Fact]
        public void Operand_and_address_size_prefixes_follow_the_mode()
        {
            Assert.Equal(2, Decode(CodeSize.Bits32, 0x66, 0x89, 0x08).Size);
            Assert.Equal(4, Decode(CodeSize.Bits16, 0x66, 0x89, 0x07).Size);
            Assert.Equal(2, Decode(CodeSize.Bits16, 0x89, 0x07).Size);
            // 16-bit addressing: mod 0 rm 6 is disp16; with 67, 32-bit addressing (rm 5 is disp32).
            Assert.Equal(4, Decode(CodeSize.Bits16, 0x89, 0x06, 0x00, 0x10).Length);
            Assert.Equal(7, Decode(CodeSize.Bits16, 0x67, 0x89, 0x05, 0, 0, 0xC0, 0xFE).Length);
            Assert.Equal(3, Decode(CodeSize.Bits32, 0x67, 0x89, 0x07).Length);
        }

        [Fact]
        public void Segment_overrides_are_accepted_and_counted_in_the_length()
        {
            MmioInstruction i = Decode(CodeSize.Bits64, 0x65, 0x48, 0x8B, 0x04, 0x25, 0, 0, 0xC0, 0xFE);   // mov rax, gs:[disp32]
            Assert.Equal((true, 9, 8), (i.Valid, i.Length, i.Size));
        }

        [Fact]
        public void Immediates_are_widened_to_the_store_size()
        {
            MmioInstruction b = Decode(CodeSize.Bits32, 0xC6, 0x00, 0x80);
            Assert.Equal((MmioAccessKind.WriteImmediate, 1, 0x80UL, 3), (b.Kind, b.Size, b.Immediate, b.Length));
            MmioInstruction w = Decode(CodeSize.Bits32, 0x66, 0xC7, 0x00, 0x34, 0x12);
            Assert.Equal((2, 0x1234UL, 5), (w.Size, w.Immediate, w.Length));
            MmioInstruction d = Decode(CodeSize.Bits64, 0xC7, 0x40, 0x10, 0x78, 0x56, 0x34, 0x12);
            Assert.Equal((4, 0x12345678UL, 7), (d.Size, d.Immediate, d.Length));
            MmioInstruction q = Decode(CodeSize.Bits64, 0x48, 0xC7, 0x00, 0xFF, 0xFF, 0xFF, 0xFF);
            Assert.Equal((8, ulong.MaxValue), (q.Size, q.Immediate));
        }

        [Fact]
        public void Movzx_and_movsx_read_narrow_and_widen()
        {
            MmioInstruction zx = Decode(CodeSize.Bits32, 0x0F, 0xB6, 0x03);                    // movzx eax, byte [ebx]
            Assert.Equal((1, 4, MmioExtension.Zero, 3), (zx.Size, zx.RegisterSize, zx.Extension, zx.Length));
            MmioInstruction sx = Decode(CodeSize.Bits64, 0x48, 0x0F, 0xBF, 0x0B);              // movsx rcx, word [rbx]
            Assert.Equal((2, 8, MmioExtension.Sign, 1), (sx.Size, sx.RegisterSize, sx.Extension, sx.Register));
            MmioInstruction same = Decode(CodeSize.Bits32, 0x66, 0x0F, 0xB7, 0x03);            // movzx ax, word [ebx]
            Assert.Equal((2, 2, MmioExtension.None), (same.Size, same.RegisterSize, same.Extension));
        }

        [Theory]
        [InlineData(MmioDecodeError.UnsupportedOpcode, "01 05 00 00 c0 fe")] // add [disp32], eax
        [InlineData(MmioDecodeError.UnsupportedOpcode, "87 00")]             // xchg [eax], eax
        [InlineData(MmioDecodeError.UnsupportedOpcode, "85 00")]             // test [eax], eax
        [InlineData(MmioDecodeError.UnsupportedOpcode, "a5")]                // movsd
        [InlineData(MmioDecodeError.UnsupportedOpcode, "8e 00")]             // mov es, [eax]
        [InlineData(MmioDecodeError.UnsupportedOpcode, "0f b1 08")]          // cmpxchg [eax], ecx
        [InlineData(MmioDecodeError.RegisterOperand, "89 c0")]               // mov eax, eax
        [InlineData(MmioDecodeError.UnsupportedPrefix, "f0 89 00")]          // lock mov
        [InlineData(MmioDecodeError.UnsupportedPrefix, "f3 89 00")]          // xrelease mov
        [InlineData(MmioDecodeError.InvalidEncoding, "c7 08 00 00 00 00")]   // C7 /1
        [InlineData(MmioDecodeError.Truncated, "8b")]
        [InlineData(MmioDecodeError.Truncated, "8b 05 00")]
        [InlineData(MmioDecodeError.Truncated, "66")]
        [InlineData(MmioDecodeError.Truncated, "")]
        public void Refuses_with_a_reason_in_32_bit_code(MmioDecodeError error, string hex)
        {
            MmioInstruction i = Decode(CodeSize.Bits32, Convert.FromHexString(hex.Replace(" ", "")));
            Assert.False(i.Valid);
            Assert.Equal(error, i.Error);
            Assert.False(string.IsNullOrEmpty(MmioInstruction.Describe(error)));
        }

        [Fact]
        public void More_than_15_bytes_is_too_long_even_when_more_bytes_are_given()
        {
            byte[] bytes = new byte[20];
            bytes.AsSpan(0, 14).Fill(0x66);
            bytes[14] = 0x89;
            bytes[15] = 0x00;
            Assert.Equal(MmioDecodeError.TooLong, MmioDecoder.Decode(bytes, CodeSize.Bits32).Error);
            bytes.AsSpan().Fill(0x3E);
            Assert.Equal(MmioDecodeError.TooLong, MmioDecoder.Decode(bytes, CodeSize.Bits32).Error);
            // Exactly 15 is fine: 12 prefixes + 89 05 needs disp32 -> 18, too long; 13 prefixes + 89 00 = 15.
            bytes.AsSpan(0, 13).Fill(0x2E);
            bytes[13] = 0x89;
            bytes[14] = 0x00;
            MmioInstruction i = MmioDecoder.Decode(bytes.AsSpan(0, 15), CodeSize.Bits32);
            Assert.Equal((true, 15), (i.Valid, i.Length));
        }

        [Theory]
        [InlineData(0x0UL, 0x0UL, 0x0UL, 0x0u, CodeSize.Bits16)]                 // real mode
        [InlineData(0x1UL, 1UL << 17, 0x0UL, 0xC09Bu, CodeSize.Bits16)]          // virtual-8086
        [InlineData(0x1UL, 0x2UL, 0x0UL, 0x009Bu, CodeSize.Bits16)]              // 16-bit protected mode
        [InlineData(0x1UL, 0x2UL, 0x0UL, 0xC09Bu, CodeSize.Bits32)]              // 32-bit protected mode
        [InlineData(0x80000001UL, 0x2UL, 0x500UL, 0xA09Bu, CodeSize.Bits64)]     // 64-bit mode
        [InlineData(0x80000001UL, 0x2UL, 0x500UL, 0xC09Bu, CodeSize.Bits32)]     // compatibility mode
        [InlineData(0x1UL, 0x2UL, 0x0UL, 0xA09Bu, CodeSize.Bits16)]              // L without LMA means nothing
        public void Mode_comes_from_CR0_PE_RFLAGS_VM_EFER_LMA_and_CS(ulong cr0, ulong rflags, ulong efer, uint cs, CodeSize expected)
        {
            Assert.Equal(expected, MmioDecoder.ModeOf(cr0, rflags, efer, cs));
        }
    }
}
