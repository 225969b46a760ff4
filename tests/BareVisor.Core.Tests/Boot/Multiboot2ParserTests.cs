// Host test code.
using BareVisor.Core.Boot;
using BareVisor.Core.Memory;
using BareVisor.Core.Tests.Fakes;

namespace BareVisor.Core.Tests.Boot
{
    public class Multiboot2ParserTests
    {
        private const ulong InfoAddress = 0x10_0000 + 0x8000;

        private static bool Parse(byte[] block, out BootInfo info, out string error)
        {
            FakePhysicalMemory mem = FakePhysicalMemory.With(InfoAddress, block);
            return Multiboot2Parser.TryParse(ref mem, new HostPhysical(InfoAddress), out info, out error);
        }

        private static Multiboot2Image Typical() => new Multiboot2Image()
            .StringTag(1, "console=serial guest=\"linux quiet\"")
            .StringTag(2, "GRUB 2.06")
            .Module(0x200000, 0x280000, "guest.bin")
            .Tag(4, new ByteWriter().U32(639).U32(130048).ToArray())
            .MemoryMap((0, 0x9FC00, 1), (0x9FC00, 0x400, 2), (0xF0000, 0x10000, 2), (0x100000, 0x7EE0000, 1), (0x7FE0000, 0x20000, 3))
            .Tag(14, AcpiImage.Rsdp(0, 0x7FE1000, 0))
            .Tag(15, AcpiImage.Rsdp(2, 0x7FE1000, 0x7FE2000));

        [Fact]
        public void ParsesATypicalGrubBlock()
        {
            Multiboot2Image image = Typical();
            byte[] block = image.Finish();
            Assert.True(Parse(block, out BootInfo info, out string error), error);
            Assert.Equal("multiboot2", info.Protocol);
            Assert.Equal("console=serial guest=\"linux quiet\"", info.CommandLine);
            Assert.Equal("GRUB 2.06", info.BootLoaderName);
            Assert.Single(info.Modules);
            Assert.Equal(0x200000UL, info.Modules[0].Range.Start.Value);
            Assert.Equal(0x80000UL, info.Modules[0].Range.Length);
            Assert.Equal("guest.bin", info.Modules[0].CommandLine);
            Assert.Equal(5, info.MemoryMap.Length);
            Assert.Equal(MemoryType.AcpiReclaimable, info.MemoryMap[4].Type);
            Assert.Equal(0x9FC00UL + 0x7EE0000UL, info.UsableBytes);
            Assert.Equal(InfoAddress, info.InfoBlock.Start.Value);
            Assert.Equal((ulong)block.Length, info.InfoBlock.Length);
            Assert.Single(info.LoaderData);
        }

        [Fact]
        public void RsdpPointsAtTheTag15CopyEvenWhenTag14ComesFirst()
        {
            byte[] block = Typical().Finish();
            Assert.True(Parse(block, out BootInfo info, out string error), error);
            // The tag 15 copy's signature is at the RSDP address.
            int offset = (int)(info.Rsdp.Value - InfoAddress);
            Assert.Equal((byte)'R', block[offset]);
            Assert.Equal(2, block[offset + 15]); // revision of the v2 copy
            FakePhysicalMemory mem = FakePhysicalMemory.With(InfoAddress, block);
            Assert.True(Rsdp.IsValidAt(mem.Read(info.Rsdp, 36)));
        }

        [Fact]
        public void RsdpFromTag14WhenItIsTheOnlyOne()
        {
            byte[] block = new Multiboot2Image().MemoryMap((0x100000, 0x100000, 1)).Tag(14, AcpiImage.Rsdp(0, 0x1000, 0)).Finish();
            Assert.True(Parse(block, out BootInfo info, out string error), error);
            Assert.Equal(0, block[(int)(info.Rsdp.Value - InfoAddress) + 15]);
        }

        [Fact]
        public void NoRsdpTagGivesZero()
        {
            Assert.True(Parse(new Multiboot2Image().MemoryMap((0x100000, 0x100000, 1)).Finish(), out BootInfo info, out _));
            Assert.Equal(0UL, info.Rsdp.Value);
            Assert.Equal("", info.CommandLine);
            Assert.Equal("", info.BootLoaderName);
            Assert.Empty(info.Modules);
        }

        [Fact]
        public void FallsBackToBasicMemoryInformation()
        {
            byte[] block = new Multiboot2Image().Tag(4, new ByteWriter().U32(639).U32(1024).ToArray()).Finish();
            Assert.True(Parse(block, out BootInfo info, out string error), error);
            Assert.Equal(2, info.MemoryMap.Length);
            Assert.Equal(0x100000UL, info.MemoryMap[1].Base.Value);
            Assert.Equal(1024UL * 1024, info.MemoryMap[1].Length);
            Assert.Equal(639UL * 1024 + 1024 * 1024, info.UsableBytes);
        }

        [Fact]
        public void TagOverrunIsNamed()
        {
            Multiboot2Image image = new Multiboot2Image().StringTag(1, "x");
            int mmapOffset = image.Offset;
            byte[] block = image.MemoryMap((0x100000, 0x100000, 1)).Finish();
            // Make the memory map tag claim more bytes than the block holds.
            block[mmapOffset + 4] = 0xF0;
            Assert.False(Parse(block, out BootInfo info, out string error));
            Assert.Null(info);
            Assert.Equal("multiboot2: tag 6 at offset 0x18 overruns the information block", error);
        }

        [Fact]
        public void MissingEndTagIsAnError()
        {
            Assert.False(Parse(new Multiboot2Image().MemoryMap((0x100000, 0x100000, 1)).Finish(endTag: false), out _, out string error));
            Assert.Contains("no end tag", error);
        }

        [Fact]
        public void TagSmallerThanItsHeaderIsAnError()
        {
            byte[] block = new Multiboot2Image().StringTag(1, "abc").Finish();
            block[8 + 4] = 4;
            Assert.False(Parse(block, out _, out string error));
            Assert.Equal("multiboot2: tag 1 at offset 0x8 has a size smaller than its 8-byte header", error);
        }

        [Fact]
        public void UnterminatedStringIsAnError()
        {
            byte[] block = new Multiboot2Image().Tag(2, new ByteWriter().Ascii("GRUBGRUB").ToArray()).Finish();
            Assert.False(Parse(block, out _, out string error));
            Assert.Contains("tag 2 at offset 0x8 has a string that is not NUL-terminated", error);
        }

        [Fact]
        public void SmallMmapEntrySizeIsAnError()
        {
            byte[] block = new Multiboot2Image().Tag(6, new ByteWriter().U32(20).U32(0).U64(0).U64(0x1000).U32(1).ToArray()).Finish();
            Assert.False(Parse(block, out _, out string error));
            Assert.Equal("multiboot2: tag 6 at offset 0x8 has entry_size 20 (must be at least 24)", error);
        }

        [Fact]
        public void LargerMmapEntrySizeIsHonoured()
        {
            ByteWriter p = new ByteWriter().U32(32).U32(0)
                .U64(0x100000).U64(0x200000).U32(1).U32(0).U64(0xDEAD)
                .U64(0x300000).U64(0x1000).U32(2).U32(0).U64(0xBEEF);
            Assert.True(Parse(new Multiboot2Image().Tag(6, p.ToArray()).Finish(), out BootInfo info, out string error), error);
            Assert.Equal(2, info.MemoryMap.Length);
            Assert.Equal(0x300000UL, info.MemoryMap[1].Base.Value);
            Assert.Equal(MemoryType.Reserved, info.MemoryMap[1].Type);
        }

        [Theory]
        [InlineData(0u)]
        [InlineData(8u)]
        [InlineData(15u)]
        [InlineData((1u << 20) + 8)]
        [InlineData(0xFFFF_FFF8u)]
        public void HostileTotalSizeIsRejected(uint totalSize)
        {
            byte[] block = new Multiboot2Image().MemoryMap((0x100000, 0x100000, 1)).Finish();
            block[0] = (byte)totalSize; block[1] = (byte)(totalSize >> 8); block[2] = (byte)(totalSize >> 16); block[3] = (byte)(totalSize >> 24);
            Assert.False(Parse(block, out _, out string error));
            Assert.StartsWith("multiboot2: total_size", error);
        }

        [Fact]
        public void TotalSizeBeyondReadableMemoryIsRejected()
        {
            byte[] block = new Multiboot2Image().MemoryMap((0x100000, 0x100000, 1)).Finish();
            block[0] += 64;
            Assert.False(Parse(block, out _, out string error));
            Assert.Contains("cannot read", error);
        }

        [Fact]
        public void MisalignedInfoAddressIsRejected()
        {
            byte[] block = new Multiboot2Image().MemoryMap((0x100000, 0x100000, 1)).Finish();
            FakePhysicalMemory mem = FakePhysicalMemory.With(InfoAddress + 4, block);
            Assert.False(Multiboot2Parser.TryParse(ref mem, new HostPhysical(InfoAddress + 4), out _, out string error));
            Assert.Contains("not 8-byte aligned", error);
        }

        [Fact]
        public void NoMemoryInformationIsAnError()
        {
            Assert.False(Parse(new Multiboot2Image().StringTag(1, "x").Finish(), out _, out string error));
            Assert.Contains("no memory map", error);
        }

        [Fact]
        public void ModuleWithEndBelowStartIsAnError()
        {
            Assert.False(Parse(new Multiboot2Image().Module(0x300000, 0x200000, "").MemoryMap((0x100000, 0x100000, 1)).Finish(), out _, out string error));
            Assert.Contains("mod_end below mod_start", error);
        }

        [Fact]
        public void ShortRsdpTagIsAnError()
        {
            Assert.False(Parse(new Multiboot2Image().Tag(15, new byte[20]).MemoryMap((0x100000, 0x100000, 1)).Finish(), out _, out string error));
            Assert.Contains("tag 15", error);
        }

        [Fact]
        public void RandomCorruptionNeverThrows()
        {
            byte[] good = Typical().Finish();
            System.Random random = new System.Random(1234);
            for (int round = 0; round < 2000; round++)
            {
                byte[] block = (byte[])good.Clone();
                int flips = 1 + random.Next(4);
                for (int i = 0; i < flips; i++)
                    block[random.Next(block.Length)] = (byte)random.Next(256);
                bool ok = Parse(block, out BootInfo info, out string error);
                Assert.True(ok ? info != null : !string.IsNullOrEmpty(error));
            }
        }
    }
}
