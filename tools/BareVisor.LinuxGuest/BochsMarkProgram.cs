// Host side. /bin/bochs-mark of the default guest's initramfs: a static x86-64 Linux program that
// executes `xchg bx, bx` and exits 0. In Bochs with `magic_break: enabled=1` that instruction stops
// the debugger, which prints the tick count: rcS runs the program last, so the stop marks "user
// space is up, the shell starts now" for the boot benchmark. Anywhere else it is a no-op.
//
// The file is an ELF64 header, one PT_LOAD program header that maps the whole file read + execute,
// and the code right after the headers (System V ABI, x86-64 supplement; elf(5)).
using System;
using System.Buffers.Binary;
using System.IO;
using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace BareVisor.LinuxGuest;

public static class BochsMarkProgram
{
    /// <summary>Where rcS finds it in the initramfs.</summary>
    public const string Path = "/bin/bochs-mark";

    /// <summary>The address the file is mapped at: the usual first page of a static x86-64 program.</summary>
    public const ulong LoadAddress = 0x400000;

    public const int ElfHeaderSize = 64;
    public const int ProgramHeaderSize = 56;

    /// <summary>exit(2) on x86-64 Linux.</summary>
    public const int SysExit = 60;

    /// <summary>The program's entry point: its code follows the two headers.</summary>
    public const ulong Entry = LoadAddress + ElfHeaderSize + ProgramHeaderSize;

    private const ushort TypeExecutable = 2;
    private const ushort MachineX86_64 = 62;
    private const uint SegmentLoad = 1;
    private const uint SegmentReadExecute = 0x4 | 0x1;

    /// <summary>The machine code: the mark, then exit(0).</summary>
    public static byte[] Code()
    {
        var a = new Assembler(64);
        a.xchg(bx, bx);
        a.mov(eax, SysExit);
        a.xor(edi, edi);
        a.syscall();
        var stream = new MemoryStream();
        a.Assemble(new StreamCodeWriter(stream), Entry);
        return stream.ToArray();
    }

    /// <summary>The whole ELF file.</summary>
    public static byte[] Build()
    {
        byte[] code = Code();
        var file = new byte[ElfHeaderSize + ProgramHeaderSize + code.Length];
        Span<byte> elf = file;
        // e_ident: magic, ELFCLASS64, ELFDATA2LSB, EV_CURRENT, ELFOSABI_SYSV.
        ReadOnlySpan<byte> ident = [0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0];
        ident.CopyTo(elf);
        BinaryPrimitives.WriteUInt16LittleEndian(elf[16..], TypeExecutable);
        BinaryPrimitives.WriteUInt16LittleEndian(elf[18..], MachineX86_64);
        BinaryPrimitives.WriteUInt32LittleEndian(elf[20..], 1);                  // e_version
        BinaryPrimitives.WriteUInt64LittleEndian(elf[24..], Entry);              // e_entry
        BinaryPrimitives.WriteUInt64LittleEndian(elf[32..], ElfHeaderSize);      // e_phoff
        BinaryPrimitives.WriteUInt64LittleEndian(elf[40..], 0);                  // e_shoff: no sections
        BinaryPrimitives.WriteUInt32LittleEndian(elf[48..], 0);                  // e_flags
        BinaryPrimitives.WriteUInt16LittleEndian(elf[52..], ElfHeaderSize);      // e_ehsize
        BinaryPrimitives.WriteUInt16LittleEndian(elf[54..], ProgramHeaderSize);  // e_phentsize
        BinaryPrimitives.WriteUInt16LittleEndian(elf[56..], 1);                  // e_phnum
        BinaryPrimitives.WriteUInt16LittleEndian(elf[58..], 64);                 // e_shentsize
        Span<byte> load = elf[ElfHeaderSize..];
        BinaryPrimitives.WriteUInt32LittleEndian(load, SegmentLoad);
        BinaryPrimitives.WriteUInt32LittleEndian(load[4..], SegmentReadExecute);
        BinaryPrimitives.WriteUInt64LittleEndian(load[8..], 0);                  // p_offset: the file from its start
        BinaryPrimitives.WriteUInt64LittleEndian(load[16..], LoadAddress);       // p_vaddr
        BinaryPrimitives.WriteUInt64LittleEndian(load[24..], LoadAddress);       // p_paddr
        BinaryPrimitives.WriteUInt64LittleEndian(load[32..], (ulong)file.Length); // p_filesz
        BinaryPrimitives.WriteUInt64LittleEndian(load[40..], (ulong)file.Length); // p_memsz
        BinaryPrimitives.WriteUInt64LittleEndian(load[48..], 0x1000);            // p_align
        code.CopyTo(elf[(ElfHeaderSize + ProgramHeaderSize)..]);
        return file;
    }
}
