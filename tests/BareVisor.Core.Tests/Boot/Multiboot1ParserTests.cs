// Host test code.
using System;
using System.Text;
using BareVisor.Core.Boot;
using BareVisor.Core.Memory;
using BareVisor.Core.Tests.Fakes;

namespace BareVisor.Core.Tests.Boot
{
    public class Multiboot1ParserTests
    {
        private const uint Base = 0x9000;       // the page holding everything the loader wrote
        private const uint Info = Base;
        private const uint CmdLine = Base + 0x100;
        private const uint Name = Base + 0x200;
        private const uint Mods = Base + 0x300;
        private const uint ModString = Base + 0x400;
        private const uint Mmap = Base + 0x500;

        private readonly byte[] page = new byte[0x1000];

        private void U32(uint address, uint value) => BitConverter.GetBytes(value).CopyTo(page, (int)(address - Base));
        private void U64(uint address, ulong value) => BitConverter.GetBytes(value).CopyTo(page, (int)(address - Base));
        private void Str(uint address, string s) => Encoding.ASCII.GetBytes(s + "\0").CopyTo(page, (int)(address - Base));

        private bool Parse(out BootInfo info, out string error)
        {
            FakePhysicalMemory mem = FakePhysicalMemory.With(Base, page);
            return Multiboot1Parser.TryParse(ref mem, new HostPhysical(Info), out info, out error);
        }

        private void WriteTypical()
        {
            U32(Info, (1u << 0) | (1u << 2) | (1u << 3) | (1u << 6) | (1u << 9));
            U32(Info + 4, 639);
            U32(Info + 8, 65536);
            U32(Info + 16, CmdLine);
            Str(CmdLine, "serial=com1 mem=64M");
            U32(Info + 64, Name);
            Str(Name, "GNU GRUB 0.97");
            U32(Info + 20, 1);
            U32(Info + 24, Mods);
            U32(Mods, 0x200000);
            U32(Mods + 4, 0x201000);
            U32(Mods + 8, ModString);
            Str(ModString, "/boot/guest.elf arg");
            WriteMmap((0, 0x9FC00, 1), (0x100000, 0x3F00000, 1), (0xFFFC0000, 0x40000, 2));
        }

        private void WriteMmap(params (ulong Base, ulong Length, uint Type)[] entries)
        {
            uint at = Mmap;
            foreach ((ulong b, ulong l, uint t) in entries)
            {
                U32(at, 20);
                U64(at + 4, b);
                U64(at + 12, l);
                U32(at + 20, t);
                at += 24;
            }
            U32(Info + 44, at - Mmap);
            U32(Info + 48, Mmap);
        }

        [Fact]
        public void ParsesAllFlaggedParts()
        {
            WriteTypical();
            Assert.True(Parse(out BootInfo info, out string error), error);
            Assert.Equal("multiboot1", info.Protocol);
            Assert.Equal("serial=com1 mem=64M", info.CommandLine);
            Assert.Equal("GNU GRUB 0.97", info.BootLoaderName);
            Assert.Single(info.Modules);
            Assert.Equal(0x200000UL, info.Modules[0].Range.Start.Value);
            Assert.Equal(0x1000UL, info.Modules[0].Range.Length);
            Assert.Equal("/boot/guest.elf arg", info.Modules[0].CommandLine);
            Assert.Equal(3, info.MemoryMap.Length);
            Assert.Equal(MemoryType.Reserved, info.MemoryMap[2].Type);
            Assert.Equal(0x9FC00UL + 0x3F00000UL, info.UsableBytes);
            Assert.Equal(0UL, info.Rsdp.Value);
            Assert.Equal((ulong)Multiboot1Parser.InfoSize, info.InfoBlock.Length);
        }

        [Fact]
        public void LoaderDataCoversEveryBufferTheInfoPointsTo()
        {
            WriteTypical();
            Assert.True(Parse(out BootInfo info, out _));
            AssertCovered(info, Info, Multiboot1Parser.InfoSize);
            AssertCovered(info, CmdLine, "serial=com1 mem=64M".Length + 1);
            AssertCovered(info, Name, "GNU GRUB 0.97".Length + 1);
            AssertCovered(info, Mods, 16);
            AssertCovered(info, ModString, "/boot/guest.elf arg".Length + 1);
            AssertCovered(info, Mmap, 3 * 24);
            PhysicalRange[] preserve = info.RangesToPreserve();
            Assert.Equal(info.LoaderData.Length + 1, preserve.Length);
        }

        private static void AssertCovered(BootInfo info, ulong start, int length)
        {
            foreach (PhysicalRange r in info.LoaderData)
            {
                if (r.Start.Value <= start && start + (ulong)length <= r.End.Value)
                    return;
            }
            Assert.Fail("loader data does not cover 0x" + start.ToString("x"));
        }

        [Fact]
        public void FallsBackToMemLowerAndMemUpper()
        {
            U32(Info, 1);
            U32(Info + 4, 639);
            U32(Info + 8, 31 * 1024);
            Assert.True(Parse(out BootInfo info, out string error), error);
            Assert.Equal(2, info.MemoryMap.Length);
            Assert.Equal(639UL * 1024, info.MemoryMap[0].Length);
            Assert.Equal(0x100000UL, info.MemoryMap[1].Base.Value);
            Assert.Equal(31UL << 20, info.MemoryMap[1].Length);
        }

        [Fact]
        public void PrefersTheMemoryMap()
        {
            U32(Info, (1u << 0) | (1u << 6));
            U32(Info + 8, 1024);
            WriteMmap((0x100000, 0x800000, 1));
            Assert.True(Parse(out BootInfo info, out _));
            Assert.Single(info.MemoryMap);
            Assert.Equal(0x800000UL, info.UsableBytes);
        }

        [Fact]
        public void NoMemoryInformationIsAnError()
        {
            U32(Info, 1u << 2);
            U32(Info + 16, CmdLine);
            Str(CmdLine, "x");
            Assert.False(Parse(out _, out string error));
            Assert.Contains("no memory information", error);
        }

        [Fact]
        public void UnterminatedCommandLineIsAnError()
        {
            U32(Info, (1u << 2) | 1);
            U32(Info + 16, Base + 0xF00);
            for (int i = 0xF00; i < 0x1000; i++)
                page[i] = (byte)'a';
            Assert.False(Parse(out _, out string error));
            Assert.Equal("multiboot1: cmdline string at 0x9f00 is unreadable or not NUL-terminated within 4096 bytes", error);
        }

        [Fact]
        public void CommandLinePointerIntoNowhereIsAnError()
        {
            U32(Info, (1u << 2) | 1);
            U32(Info + 16, 0xDEAD0000);
            Assert.False(Parse(out _, out string error));
            Assert.Contains("cmdline string at 0xdead0000", error);
        }

        [Fact]
        public void MmapEntryOverrunIsAnError()
        {
            U32(Info, 1u << 6);
            WriteMmap((0x100000, 0x800000, 1));
            U32(Mmap, 40);
            Assert.False(Parse(out _, out string error));
            Assert.Equal("multiboot1: memory map entry at offset 0x0 overruns mmap_length", error);
        }

        [Fact]
        public void MmapEntryTooSmallIsAnError()
        {
            U32(Info, 1u << 6);
            WriteMmap((0x100000, 0x800000, 1));
            U32(Mmap, 8);
            Assert.False(Parse(out _, out string error));
            Assert.Contains("size below 20", error);
        }

        [Fact]
        public void HugeModuleCountIsAnError()
        {
            U32(Info, (1u << 3) | 1);
            U32(Info + 20, 0x1000_0000);
            U32(Info + 24, Mods);
            Assert.False(Parse(out _, out string error));
            Assert.Contains("mods_count", error);
        }

        [Fact]
        public void ModuleListBeyondMemoryIsAnError()
        {
            U32(Info, (1u << 3) | 1);
            U32(Info + 20, 4);
            U32(Info + 24, Base + 0xFF8);
            Assert.False(Parse(out _, out string error));
            Assert.Contains("module list at 0x9ff8 is unreadable", error);
        }

        [Fact]
        public void UnreadableInfoIsAnError()
        {
            FakePhysicalMemory mem = FakePhysicalMemory.With(Base, page);
            Assert.False(Multiboot1Parser.TryParse(ref mem, new HostPhysical(0x500000), out _, out string error));
            Assert.Contains("cannot read", error);
        }

        [Fact]
        public void RandomCorruptionNeverThrows()
        {
            WriteTypical();
            byte[] good = (byte[])page.Clone();
            Random random = new Random(99);
            for (int round = 0; round < 2000; round++)
            {
                good.CopyTo(page, 0);
                for (int i = 0; i < 3; i++)
                    page[random.Next(0x600)] = (byte)random.Next(256);
                bool ok = Parse(out BootInfo info, out string error);
                Assert.True(ok ? info != null : !string.IsNullOrEmpty(error));
            }
        }
    }
}
