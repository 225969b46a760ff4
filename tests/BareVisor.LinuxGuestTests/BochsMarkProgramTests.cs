// Host side. /bin/bochs-mark, the boot benchmark's end mark: a static x86-64 ELF executable that the
// kernel can load (checked field by field against the ELF64 layout, independently of the writer)
// and whose code, decoded by Iced, is exactly `xchg bx, bx` and exit(0).
using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using BareVisor.LinuxGuest;
using Iced.Intel;
using Xunit;

namespace BareVisor.LinuxGuestTests;

public sealed class BochsMarkProgramTests
{
    private static readonly byte[] File = BochsMarkProgram.Build();

    private static ushort U16(int at) => BinaryPrimitives.ReadUInt16LittleEndian(File.AsSpan(at));
    private static uint U32(int at) => BinaryPrimitives.ReadUInt32LittleEndian(File.AsSpan(at));
    private static ulong U64(int at) => BinaryPrimitives.ReadUInt64LittleEndian(File.AsSpan(at));

    [Fact]
    public void ItIsAStaticX86_64ExecutableWithOneLoadSegment()
    {
        Assert.Equal(new byte[] { 0x7F, (byte)'E', (byte)'L', (byte)'F', 2 /* 64-bit */, 1 /* little-endian */, 1 /* version */ }, File[..7]);
        Assert.Equal(2, U16(16));                       // ET_EXEC
        Assert.Equal(62, U16(18));                      // EM_X86_64
        Assert.Equal(1u, U32(20));
        Assert.Equal(64, U16(52));                      // e_ehsize
        Assert.Equal(64UL, U64(32));                    // e_phoff: right after the header
        Assert.Equal((56, 1), (U16(54), U16(56)));      // one program header of the ELF64 size
        Assert.Equal((0UL, 0), (U64(40), U16(60)));     // no section headers

        Assert.Equal(1u, U32(64));                      // PT_LOAD
        Assert.Equal(0x5u, U32(68));                    // PF_R | PF_X
        ulong offset = U64(72), address = U64(80), fileSize = U64(96), memorySize = U64(104), align = U64(112);
        Assert.Equal(0UL, offset);
        Assert.Equal((ulong)File.Length, fileSize);
        Assert.Equal(fileSize, memorySize);
        Assert.Equal(0UL, address % align);             // the page the kernel maps is the file's first
        Assert.True(address >= 0x10000, "below mmap_min_addr");

        ulong entry = U64(24);
        Assert.Equal(BochsMarkProgram.Entry, entry);
        Assert.InRange(entry, address + 120, address + fileSize - 1);
    }

    [Fact]
    public void ItsCodeIsTheMagicBreakpointThenExitZero()
    {
        ulong address = U64(80);
        ulong entry = U64(24);
        int start = (int)(entry - address);
        var decoder = Decoder.Create(64, new ByteArrayCodeReader(File, start, File.Length - start));
        decoder.IP = entry;
        var instructions = new List<Instruction>();
        while (decoder.IP < address + (ulong)File.Length)
        {
            decoder.Decode(out Instruction instruction);
            Assert.False(instruction.IsInvalid, $"invalid instruction at 0x{instruction.IP:x}");
            instructions.Add(instruction);
        }
        Assert.Equal(4, instructions.Count);
        // Bochs's magic breakpoint is the register form of XCHG with BX as both operands.
        Assert.Equal(Code.Xchg_rm16_r16, instructions[0].Code);
        Assert.Equal((OpKind.Register, Register.BX, Register.BX), (instructions[0].Op0Kind, instructions[0].Op0Register, instructions[0].Op1Register));
        Assert.Equal((Mnemonic.Mov, Register.EAX, (uint)BochsMarkProgram.SysExit), (instructions[1].Mnemonic, instructions[1].Op0Register, instructions[1].Immediate32));
        Assert.Equal(60, BochsMarkProgram.SysExit);
        Assert.Equal((Mnemonic.Xor, Register.EDI, Register.EDI), (instructions[2].Mnemonic, instructions[2].Op0Register, instructions[2].Op1Register));
        Assert.Equal(Mnemonic.Syscall, instructions[3].Mnemonic);
    }
}
