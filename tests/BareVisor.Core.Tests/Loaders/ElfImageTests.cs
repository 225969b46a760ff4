// Host test code. ELF32/ELF64 program header parsing and each malformed-file message.
using BareVisor.Core.Loaders;

namespace BareVisor.Core.Tests.Loaders
{
    public class ElfImageTests
    {
        private static ElfImage Parse(byte[] file)
        {
            Assert.True(ElfImage.TryParse(file, out ElfImage elf, out string error), error);
            return elf;
        }

        private static string Error(byte[] file)
        {
            Assert.False(ElfImage.TryParse(file, out ElfImage elf, out string error));
            Assert.Null(elf);
            return error;
        }

        private static ElfBuilder Typical(bool is64) => new ElfBuilder { Is64 = is64, Entry = 0x100010 }
            .Segment(0x100000, new byte[0x300])
            .Segment(0x101000, new byte[0x80], memorySize: 0x2000);

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void ReadsLoadSegments(bool is64)
        {
            ElfBuilder builder = Typical(is64);
            builder.Segments.Insert(1, new ElfSegmentSpec { Type = 4, Data = new byte[16] }); // PT_NOTE: skipped
            ElfImage elf = Parse(builder.Build());
            Assert.Equal(is64, elf.Is64);
            Assert.Equal(0x100010UL, elf.Entry);
            Assert.Equal(2, elf.LoadSegments.Length);
            Assert.Equal(0, elf.LoadSegments[0].Index);
            Assert.Equal(2, elf.LoadSegments[1].Index);
            Assert.Equal(0x101000UL, elf.LoadSegments[1].PhysicalAddress);
            Assert.Equal(0x80UL, elf.LoadSegments[1].FileSize);
            Assert.Equal(0x2000UL, elf.LoadSegments[1].MemorySize);
            Assert.True(elf.TryPhysicalEntry(out ulong entry));
            Assert.Equal(0x100010UL, entry);
        }

        [Fact]
        public void HigherHalfEntryIsTranslatedThroughItsSegment()
        {
            ElfBuilder builder = new ElfBuilder { Entry = 0xC0100020 }.Segment(0x100000, new byte[0x100], virtualAddress: 0xC0100000);
            Assert.True(Parse(builder.Build()).TryPhysicalEntry(out ulong entry));
            Assert.Equal(0x100020UL, entry);
        }

        [Fact]
        public void NotElf() => Assert.Equal("ELF: magic 0x7F 'ELF' missing at offset 0", Error(new byte[64]));

        [Fact]
        public void BadClass()
        {
            byte[] file = Typical(false).Build();
            file[4] = 3;
            Assert.Equal("ELF: EI_CLASS 3 is neither ELFCLASS32 (1) nor ELFCLASS64 (2)", Error(file));
        }

        [Fact]
        public void BigEndian() =>
            Assert.Equal("ELF: EI_DATA 2 is not little-endian (1)", Error(new ElfBuilder { Data = 2 }.Segment(0x100000, new byte[4]).Build()));

        [Fact]
        public void TruncatedHeader() =>
            Assert.Equal("ELF: the file is 40 bytes, too small for the 64-byte ELF header", Error(Typical(true).Build()[..40]));

        [Fact]
        public void NotExecutable() =>
            Assert.Equal("ELF: e_type 3 is not ET_EXEC (2)", Error(new ElfBuilder { Type = 3 }.Segment(0x100000, new byte[4]).Build()));

        [Fact]
        public void WrongMachine() =>
            Assert.Equal("ELF: e_machine 40 is not EM_386 (3)", Error(new ElfBuilder { Machine = 40 }.Segment(0x100000, new byte[4]).Build()));

        [Fact]
        public void Elf64MustBeX86_64() =>
            Assert.Equal("ELF: e_machine 3 is not EM_X86_64 (62)", Error(new ElfBuilder { Is64 = true, Machine = 3 }.Segment(0x100000, new byte[4]).Build()));

        [Fact]
        public void WrongProgramHeaderSize() =>
            Assert.Equal("ELF: e_phentsize 40 is not 32", Error(new ElfBuilder { PhentSize = 40 }.Segment(0x100000, new byte[4]).Build()));

        [Fact]
        public void ProgramHeaderTablePastTheEnd() =>
            Assert.Equal("ELF: the program header table at 0x10000 (1 entries) extends past the end of the file",
                Error(new ElfBuilder { PhOff = 0x10000 }.Segment(0x100000, new byte[4]).Build()));

        [Fact]
        public void SegmentPastTheEndOfTheFile()
        {
            ElfBuilder builder = Typical(false);
            builder.Segments.Add(new ElfSegmentSpec { PhysicalAddress = 0x200000, Data = new byte[16], FileSize = 0x100000 });
            Assert.StartsWith("ELF: program header 2 extends past the end of the file (p_offset ", Error(builder.Build()));
        }

        [Fact]
        public void FileSizeLargerThanMemorySize()
        {
            ElfBuilder builder = Typical(true);
            builder.Segments[0].MemorySize = 0x100;
            Assert.Equal("ELF: program header 0 has p_filesz 0x300 larger than p_memsz 0x100", Error(builder.Build()));
        }

        [Fact]
        public void SegmentWrappingTheAddressSpace()
        {
            ElfBuilder builder = new ElfBuilder { Is64 = true };
            builder.Segments.Add(new ElfSegmentSpec { PhysicalAddress = 0xFFFFFFFFFFFFF000, VirtualAddress = 0xFFFFFFFFFFFFF000, Data = new byte[4], MemorySize = 0x2000 });
            Assert.Equal("ELF: program header 0 wraps past the top of the address space", Error(builder.Build()));
        }

        [Fact]
        public void NoLoadableSegments()
        {
            ElfBuilder builder = new ElfBuilder();
            builder.Segments.Add(new ElfSegmentSpec { Type = 4, Data = new byte[4] });
            Assert.Equal("ELF: no PT_LOAD program header with memory to load", Error(builder.Build()));
        }

        [Fact]
        public void ExtendedProgramHeaderCountIsRefused()
        {
            byte[] file = Typical(false).Build();
            file[44] = 0xFF;
            file[45] = 0xFF;
            Assert.Equal("ELF: e_phnum 0xffff (PN_XNUM, the count in a section header) is not supported", Error(file));
        }
    }
}
