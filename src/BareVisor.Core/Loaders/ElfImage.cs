// Pure logic; no hardware. Reads the ELF header and PT_LOAD program headers of an ELF32 or ELF64
// x86 executable (System V ABI, gABI chapter 4/5) and checks them against the file. Runs at guest set-up.
using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace BareVisor.Core.Loaders
{
    /// <summary>One PT_LOAD program header: FileSize bytes from FileOffset, then zeros up to MemorySize.</summary>
    public readonly struct ElfSegment
    {
        public readonly int Index;
        public readonly ulong FileOffset;
        public readonly ulong FileSize;
        public readonly ulong MemorySize;
        public readonly ulong VirtualAddress;
        public readonly ulong PhysicalAddress;

        public ElfSegment(int index, ulong fileOffset, ulong fileSize, ulong memorySize, ulong virtualAddress, ulong physicalAddress)
        {
            Index = index;
            FileOffset = fileOffset;
            FileSize = fileSize;
            MemorySize = memorySize;
            VirtualAddress = virtualAddress;
            PhysicalAddress = physicalAddress;
        }
    }

    public sealed class ElfImage
    {
        public const ushort MachineI386 = 3;
        public const ushort MachineX86_64 = 62;
        public const ushort TypeExec = 2;
        public const uint PtLoad = 1;

        private const int Elf32HeaderSize = 52, Elf64HeaderSize = 64;
        private const int Elf32PhdrSize = 32, Elf64PhdrSize = 56;
        private const byte ClassElf32 = 1, ClassElf64 = 2, DataLittleEndian = 1;
        private const ushort PnXnum = 0xFFFF;

        public bool Is64;
        public ushort Machine;
        public ulong Entry;

        /// <summary>The PT_LOAD headers in file order (empty ones, p_memsz 0, left out).</summary>
        public ElfSegment[] LoadSegments;

        public static bool IsElf(ReadOnlySpan<byte> image) =>
            image.Length >= 4 && image[0] == 0x7F && image[1] == (byte)'E' && image[2] == (byte)'L' && image[3] == (byte)'F';

        public static bool TryParse(ReadOnlySpan<byte> image, out ElfImage elf, out string error)
        {
            elf = null;
            if (!IsElf(image))
                return LoaderText.Fail("ELF: magic 0x7F 'ELF' missing at offset 0", out error);
            if (image.Length < 16)
                return LoaderText.Fail("ELF: the file is too small for e_ident", out error);
            byte elfClass = image[4];
            if (elfClass != ClassElf32 && elfClass != ClassElf64)
                return LoaderText.Fail("ELF: EI_CLASS " + LoaderText.Dec(elfClass) + " is neither ELFCLASS32 (1) nor ELFCLASS64 (2)", out error);
            if (image[5] != DataLittleEndian)
                return LoaderText.Fail("ELF: EI_DATA " + LoaderText.Dec(image[5]) + " is not little-endian (1)", out error);
            ElfImage result = new ElfImage { Is64 = elfClass == ClassElf64 };
            int headerSize = result.Is64 ? Elf64HeaderSize : Elf32HeaderSize;
            if (image.Length < headerSize)
                return LoaderText.Fail("ELF: the file is " + LoaderText.Dec((ulong)image.Length) + " bytes, too small for the "
                    + LoaderText.Dec((ulong)headerSize) + "-byte ELF header", out error);
            if (!result.TryReadHeader(image, out ulong phoff, out int phentsize, out int phnum, out error))
                return false;
            if (!result.TryReadProgramHeaders(image, phoff, phentsize, phnum, out error))
                return false;
            elf = result;
            return true;
        }

        private bool TryReadHeader(ReadOnlySpan<byte> image, out ulong phoff, out int phentsize, out int phnum, out string error)
        {
            ushort type = BinaryPrimitives.ReadUInt16LittleEndian(image.Slice(16));
            Machine = BinaryPrimitives.ReadUInt16LittleEndian(image.Slice(18));
            Entry = Is64 ? BinaryPrimitives.ReadUInt64LittleEndian(image.Slice(24)) : BinaryPrimitives.ReadUInt32LittleEndian(image.Slice(24));
            phoff = Is64 ? BinaryPrimitives.ReadUInt64LittleEndian(image.Slice(32)) : BinaryPrimitives.ReadUInt32LittleEndian(image.Slice(28));
            phentsize = BinaryPrimitives.ReadUInt16LittleEndian(image.Slice(Is64 ? 54 : 42));
            phnum = BinaryPrimitives.ReadUInt16LittleEndian(image.Slice(Is64 ? 56 : 44));
            if (type != TypeExec)
                return LoaderText.Fail("ELF: e_type " + LoaderText.Dec(type) + " is not ET_EXEC (2)", out error);
            ushort expectedMachine = Is64 ? MachineX86_64 : MachineI386;
            if (Machine != expectedMachine)
                return LoaderText.Fail("ELF: e_machine " + LoaderText.Dec(Machine) + " is not " + (Is64 ? "EM_X86_64 (62)" : "EM_386 (3)"), out error);
            int expectedSize = Is64 ? Elf64PhdrSize : Elf32PhdrSize;
            if (phnum == PnXnum)
                return LoaderText.Fail("ELF: e_phnum 0xffff (PN_XNUM, the count in a section header) is not supported", out error);
            if (phnum != 0 && phentsize != expectedSize)
                return LoaderText.Fail("ELF: e_phentsize " + LoaderText.Dec((ulong)phentsize) + " is not " + LoaderText.Dec((ulong)expectedSize), out error);
            ulong tableEnd = phoff + (ulong)phnum * (ulong)expectedSize;
            if (tableEnd < phoff || tableEnd > (ulong)image.Length)
                return LoaderText.Fail("ELF: the program header table at " + LoaderText.Hex(phoff) + " (" + LoaderText.Dec((ulong)phnum)
                    + " entries) extends past the end of the file", out error);
            error = null;
            return true;
        }

        private bool TryReadProgramHeaders(ReadOnlySpan<byte> image, ulong phoff, int phentsize, int phnum, out string error)
        {
            List<ElfSegment> loads = new List<ElfSegment>();
            for (int i = 0; i < phnum; i++)
            {
                ReadOnlySpan<byte> ph = image.Slice((int)phoff + i * phentsize, phentsize);
                if (BinaryPrimitives.ReadUInt32LittleEndian(ph) != PtLoad)
                    continue;
                ElfSegment s = Is64 ? Read64(i, ph) : Read32(i, ph);
                string which = "ELF: program header " + LoaderText.Dec((ulong)i);
                ulong fileEnd = s.FileOffset + s.FileSize;
                if (fileEnd < s.FileOffset || fileEnd > (ulong)image.Length)
                    return LoaderText.Fail(which + " extends past the end of the file (p_offset " + LoaderText.Hex(s.FileOffset)
                        + " + p_filesz " + LoaderText.Hex(s.FileSize) + " > " + LoaderText.Hex((ulong)image.Length) + ")", out error);
                if (s.FileSize > s.MemorySize)
                    return LoaderText.Fail(which + " has p_filesz " + LoaderText.Hex(s.FileSize) + " larger than p_memsz " + LoaderText.Hex(s.MemorySize), out error);
                if (s.PhysicalAddress + s.MemorySize < s.PhysicalAddress || s.VirtualAddress + s.MemorySize < s.VirtualAddress)
                    return LoaderText.Fail(which + " wraps past the top of the address space", out error);
                if (s.MemorySize != 0)
                    loads.Add(s);
            }
            if (loads.Count == 0)
                return LoaderText.Fail("ELF: no PT_LOAD program header with memory to load", out error);
            LoadSegments = loads.ToArray();
            error = null;
            return true;
        }

        private static ElfSegment Read32(int index, ReadOnlySpan<byte> ph) => new ElfSegment(index,
            BinaryPrimitives.ReadUInt32LittleEndian(ph.Slice(4)),
            BinaryPrimitives.ReadUInt32LittleEndian(ph.Slice(16)),
            BinaryPrimitives.ReadUInt32LittleEndian(ph.Slice(20)),
            BinaryPrimitives.ReadUInt32LittleEndian(ph.Slice(8)),
            BinaryPrimitives.ReadUInt32LittleEndian(ph.Slice(12)));

        private static ElfSegment Read64(int index, ReadOnlySpan<byte> ph) => new ElfSegment(index,
            BinaryPrimitives.ReadUInt64LittleEndian(ph.Slice(8)),
            BinaryPrimitives.ReadUInt64LittleEndian(ph.Slice(32)),
            BinaryPrimitives.ReadUInt64LittleEndian(ph.Slice(40)),
            BinaryPrimitives.ReadUInt64LittleEndian(ph.Slice(16)),
            BinaryPrimitives.ReadUInt64LittleEndian(ph.Slice(24)));

        /// <summary>
        /// The entry point as a physical address: e_entry translated through the PT_LOAD segment whose
        /// virtual range holds it (as GRUB does for higher-half kernels with p_vaddr != p_paddr).
        /// </summary>
        public bool TryPhysicalEntry(out ulong entry)
        {
            for (int i = 0; i < LoadSegments.Length; i++)
            {
                ElfSegment s = LoadSegments[i];
                if (Entry >= s.VirtualAddress && Entry - s.VirtualAddress < s.MemorySize)
                {
                    entry = Entry - s.VirtualAddress + s.PhysicalAddress;
                    return true;
                }
            }
            entry = 0;
            return false;
        }
    }
}
