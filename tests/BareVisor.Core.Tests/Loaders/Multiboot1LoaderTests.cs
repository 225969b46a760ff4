// Host test code. Multiboot 1 kernels (ELF32, ELF64, a.out kludge) planned as guests; the
// information block is read back with BareVisor's own Multiboot1Parser.
using System;
using BareVisor.Core.Boot;
using BareVisor.Core.Guests;
using BareVisor.Core.Loaders;
using BareVisor.Core.Memory;
using BareVisor.Core.Tests.Fakes;

namespace BareVisor.Core.Tests.Loaders
{
    public class Multiboot1LoaderTests
    {
        private const ulong Ram = 128UL << 20;

        internal static MultibootParameters Parameters(params LoaderModule[] modules) => new MultibootParameters
        {
            Memory = GuestMemoryLayout.StandardPc(Ram),
            CommandLine = "kernel console=com1",
            Modules = modules,
        };

        internal static byte[] Text(int length, byte seed)
        {
            byte[] bytes = new byte[length];
            for (int i = 0; i < bytes.Length; i++)
                bytes[i] = (byte)(seed + i);
            return bytes;
        }

        private static ElfBuilder Kernel(bool is64 = false, uint flags = 3) => new ElfBuilder
        {
            Is64 = is64,
            Entry = 0x100000,
            HeaderBlob = MultibootHeaders.Multiboot1(flags),
        }.Segment(0x100000, Text(0x1000, 1)).Segment(0x102000, Text(0x100, 9), memorySize: 0x3000);

        private static LoadPlan Plan(byte[] image, MultibootParameters parameters)
        {
            Assert.True(MultibootLoader.TryPlanMultiboot1(image, parameters, out LoadPlan plan, out string error), error);
            return plan;
        }

        private static string Error(byte[] image, MultibootParameters parameters = null)
        {
            Assert.False(MultibootLoader.TryPlanMultiboot1(image, parameters ?? Parameters(), out LoadPlan plan, out string error));
            Assert.Null(plan);
            return error;
        }

        [Theory]
        [InlineData(false, "Multiboot1 ELF32")]
        [InlineData(true, "Multiboot1 ELF64")]
        public void PlansAnElfKernel(bool is64, string format)
        {
            byte[] image = Kernel(is64).Build();
            LoadPlan plan = Plan(image, Parameters());
            Assert.Equal(format, plan.Format);
            Assert.Empty(plan.Warnings);
            StartState start = plan.Start;
            Assert.Equal(GuestStartMode.Protected, start.Mode);
            Assert.Equal(0x100000UL, start.Rip);
            Assert.Equal(0x2BADB002UL, start.Rax);
            Assert.Equal(BootAddresses.BootInformation, start.Rbx);
            Assert.Equal(0UL, start.Cr3);
            Assert.False(plan.TryFindSegment("page tables", out _));
            Assert.True(plan.TryFindSegment("ELF program header 1", out LoadSegment data));
            Assert.Equal(0x102000UL, data.Address.Value);
            Assert.Equal(0x100UL, data.SourceLength);
            Assert.Equal(0x2F00UL, data.ZeroFillLength);
            GuestMemoryImage memory = GuestMemoryImage.Apply(plan, image);
            Assert.Equal(Text(0x1000, 1), memory.Read(0x100000, 0x1000));
            Assert.Equal(Text(0x100, 9), memory.Read(0x102000, 0x100));
            Assert.Equal(new byte[0x2F00], memory.Read(0x102100, 0x2F00));
            Assert.True(plan.TryFindSegment("GDT", out LoadSegment gdt));
            Assert.Equal(BootTables.Code32Descriptor, BitConverter.ToUInt64(gdt.Data, 0x10));
        }

        [Fact]
        public void InformationBlockParsesBackWithModulesAndMemoryMap()
        {
            byte[] image = Kernel().Build();
            LoadPlan plan = Plan(image, Parameters(new LoaderModule(0x1800, "initrd.img"), new LoaderModule(0x10, "guest cfg"), new LoaderModule(0, "")));
            Assert.True(plan.TryFindSegment("Multiboot information", out LoadSegment info));
            Assert.Equal(BootAddresses.BootInformation, info.Address.Value);
            FakePhysicalMemory mem = FakePhysicalMemory.With(info.Address.Value, info.Data);
            Assert.True(Multiboot1Parser.TryParse(ref mem, new HostPhysical(info.Address.Value), out BootInfo parsed, out string error), error);
            Assert.Equal("kernel console=com1", parsed.CommandLine);
            Assert.Equal("BareVisor", parsed.BootLoaderName);
            Assert.Equal(3, parsed.Modules.Length);
            // Modules follow the kernel (which ends at 0x105000), page-aligned, in order.
            Assert.Equal(0x105000UL, parsed.Modules[0].Range.Start.Value);
            Assert.Equal(0x106800UL, parsed.Modules[0].Range.End.Value);
            Assert.Equal("initrd.img", parsed.Modules[0].CommandLine);
            Assert.Equal(0x107000UL, parsed.Modules[1].Range.Start.Value);
            Assert.Equal(0x10UL, parsed.Modules[1].Range.Length);
            Assert.Equal("guest cfg", parsed.Modules[1].CommandLine);
            Assert.Equal(0UL, parsed.Modules[2].Range.Length);
            Assert.Equal(plan.MemoryMap.Length, parsed.MemoryMap.Length);
            for (int i = 0; i < plan.MemoryMap.Length; i++)
            {
                Assert.Equal(plan.MemoryMap[i].Start.Value, parsed.MemoryMap[i].Base.Value);
                Assert.Equal(plan.MemoryMap[i].Length, parsed.MemoryMap[i].Length);
                Assert.Equal(plan.MemoryMap[i].Type, parsed.MemoryMap[i].Type);
            }
            Assert.Equal(639U, BitConverter.ToUInt32(info.Data, 4));                        // mem_lower, KiB
            Assert.Equal((uint)((Ram - 0x100000) / 1024), BitConverter.ToUInt32(info.Data, 8)); // mem_upper, KiB
            Assert.True(plan.TryFindSegment("module 0", out LoadSegment module));
            Assert.Equal(LoadSource.Module, module.Source);
            Assert.Equal(0, module.ModuleIndex);
            Assert.False(plan.TryFindSegment("module 2", out _)); // empty: nothing to copy
        }

        [Fact]
        public void AoutKludgeLoadsTheFileAtItsAddresses()
        {
            byte[] image = Text(0x2000, 5);
            byte[] header = MultibootHeaders.Multiboot1(1u << 16, headerAddr: 0x100040, loadAddr: 0x100000, loadEndAddr: 0, bssEndAddr: 0x104000, entryAddr: 0x100060);
            header.CopyTo(image, 0x40);
            LoadPlan plan = Plan(image, Parameters(new LoaderModule(0x100, "m")));
            Assert.Equal("Multiboot1 a.out kludge", plan.Format);
            Assert.True(plan.TryFindSegment("kernel", out LoadSegment kernel));
            Assert.Equal(0x100000UL, kernel.Address.Value);
            Assert.Equal(0UL, kernel.SourceOffset);
            Assert.Equal(0x2000UL, kernel.SourceLength);
            Assert.Equal(0x2000UL, kernel.ZeroFillLength);
            Assert.Equal(0x100060UL, plan.Start.Rip);
            Assert.True(plan.TryFindSegment("module 0", out LoadSegment module));
            Assert.Equal(0x104000UL, module.Address.Value);
        }

        [Fact]
        public void AoutKludgeWithTextBeforeTheHeaderAndAnExplicitEnd()
        {
            byte[] image = Text(0x3000, 5);
            // The header sits at file offset 0x1000; load_addr 0x200800 means the load starts at file offset 0x800.
            MultibootHeaders.Multiboot1(1u << 16, headerAddr: 0x201000, loadAddr: 0x200800, loadEndAddr: 0x202000, entryAddr: 0x201100).CopyTo(image, 0x1000);
            LoadPlan plan = Plan(image, Parameters());
            Assert.True(plan.TryFindSegment("kernel", out LoadSegment kernel));
            Assert.Equal(0x200800UL, kernel.Address.Value);
            Assert.Equal(0x800UL, kernel.SourceOffset);
            Assert.Equal(0x1800UL, kernel.SourceLength);
            Assert.Equal(0UL, kernel.ZeroFillLength);
        }

        [Fact]
        public void KludgeTakesPriorityOverElf()
        {
            ElfBuilder builder = Kernel();
            builder.HeaderBlob = MultibootHeaders.Multiboot1(1u << 16 | 3, headerAddr: 0x300000 + (uint)builder.HeaderBlobOffset, loadAddr: 0x300000, entryAddr: 0x300000);
            LoadPlan plan = Plan(builder.Build(), Parameters());
            Assert.Equal("Multiboot1 a.out kludge", plan.Format);
            Assert.Equal(0x300000UL, plan.Start.Rip);
        }

        [Fact]
        public void VideoModeRequestIsAWarning()
        {
            LoadPlan plan = Plan(Kernel(flags: 7).Build(), Parameters());
            Assert.Equal(new[] { "Multiboot1: flags bit 2 (video mode) ignored: no framebuffer, the guest starts in text mode" }, plan.Warnings);
        }

        [Fact]
        public void HigherHalfElfEntersAtThePhysicalEntry()
        {
            ElfBuilder builder = new ElfBuilder { Entry = 0xC0100010, HeaderBlob = MultibootHeaders.Multiboot1(3) }
                .Segment(0x100000, Text(0x100, 0), virtualAddress: 0xC0100000);
            Assert.Equal(0x100010UL, Plan(builder.Build(), Parameters()).Start.Rip);
        }

        // --- malformed and unsupported ---

        [Fact]
        public void NoHeader() =>
            Assert.Equal("Multiboot1: no header (magic 0x1badb002, 4-byte aligned) in the first 8192 bytes", Error(new byte[0x4000]));

        [Fact]
        public void HeaderBeyondTheFirst8KiB()
        {
            byte[] image = new byte[0x4000];
            MultibootHeaders.Multiboot1(3).CopyTo(image, 8192);
            Assert.StartsWith("Multiboot1: no header", Error(image));
        }

        [Fact]
        public void BadChecksum()
        {
            byte[] image = new byte[0x1000];
            MultibootHeaders.Multiboot1(3, checksum: 1).CopyTo(image, 0x20);
            Assert.Equal("Multiboot1: the header at 0x20 has a bad checksum (magic + flags + checksum must be 0)", Error(image));
        }

        [Fact]
        public void UnknownRequirementBit() =>
            Assert.Equal("Multiboot1: flags bit 3 asks for something this loader does not know (flags 0xb)", Error(Kernel(flags: 0xB).Build()));

        [Fact]
        public void AddressFieldsCutOffByTheEndOfTheFile()
        {
            byte[] header = MultibootHeaders.Multiboot1(1u << 16, 0x100000, 0x100000, 0, 0, 0x100000);
            Assert.Equal("Multiboot1: the header at 0x0 sets flags bit 16 but the file ends before its address fields", Error(header[..20]));
        }

        [Fact]
        public void NotElfWithoutAddresses()
        {
            byte[] image = new byte[0x100];
            MultibootHeaders.Multiboot1(3).CopyTo(image, 0);
            Assert.Equal("Multiboot1: the image is not ELF and its header does not give load addresses (flags bit 16)", Error(image));
        }

        [Fact]
        public void MalformedElfIsNamed()
        {
            ElfBuilder builder = Kernel();
            builder.Segments[1].FileSize = 0x10000;
            Assert.StartsWith("ELF: program header 1 extends past the end of the file", Error(builder.Build()));
        }

        [Theory]
        [InlineData(0x100000u, 0x100100u, 0u, 0u, 0x100000u, "Multiboot1: load_addr 0x100100 is above header_addr 0x100000")]
        [InlineData(0x100000u, 0x0F0000u, 0u, 0u, 0x100000u, "Multiboot1: load_addr 0xf0000 would start loading 0xff00 bytes before the start of the file")]
        [InlineData(0x100100u, 0x100000u, 0x100000u, 0u, 0x100100u, "Multiboot1: load_end_addr 0x100000 is not above load_addr 0x100000")]
        [InlineData(0x100100u, 0x100000u, 0x140000u, 0u, 0x100100u, "Multiboot1: text and data [0x100000, 0x140000) extend past the end of the file (0x2000 bytes from file offset 0x0)")]
        [InlineData(0x100100u, 0x100000u, 0u, 0x101000u, 0x100100u, "Multiboot1: bss_end_addr 0x101000 is below the end of text and data 0x102000")]
        [InlineData(0x100100u, 0x100000u, 0u, 0u, 0x102000u, "Multiboot1: entry_addr 0x102000 is outside the loaded text and data [0x100000, 0x102000)")]
        public void BadKludgeAddresses(uint headerAddr, uint loadAddr, uint loadEndAddr, uint bssEndAddr, uint entryAddr, string expected)
        {
            byte[] image = new byte[0x2000];
            MultibootHeaders.Multiboot1(1u << 16, headerAddr, loadAddr, loadEndAddr, bssEndAddr, entryAddr).CopyTo(image, 0x100);
            Assert.Equal(expected, Error(image));
        }

        [Fact]
        public void EntryOutsideEverySegment()
        {
            ElfBuilder builder = Kernel();
            builder.Entry = 0x500000;
            Assert.Equal("ELF: entry point 0x500000 is not inside any PT_LOAD segment", Error(builder.Build()));
        }

        [Fact]
        public void SegmentAboveFourGiB()
        {
            ElfBuilder builder = new ElfBuilder { Is64 = true, Entry = 0x100000, HeaderBlob = MultibootHeaders.Multiboot1(3) }
                .Segment(0x100000, new byte[16]).Segment(0xFFFFF000, new byte[16], memorySize: 0x2000);
            Assert.Equal("ELF: program header 1 at [0xfffff000, 0x100001000) is above 4 GiB, out of reach of a 32-bit entry with paging off", Error(builder.Build()));
        }

        [Fact]
        public void SegmentOutsideGuestRam()
        {
            ElfBuilder builder = new ElfBuilder { Entry = 0x20000000, HeaderBlob = MultibootHeaders.Multiboot1(3) }.Segment(0x20000000, new byte[16]);
            Assert.Equal("Multiboot1: ELF program header 0 at [0x20000000, 0x20000010) is not inside usable guest RAM", Error(builder.Build()));
        }

        [Fact]
        public void SegmentOverTheBootInformation()
        {
            ElfBuilder builder = new ElfBuilder { Entry = 0x10000, HeaderBlob = MultibootHeaders.Multiboot1(3) }.Segment(0x10000, new byte[0x1000]);
            Assert.StartsWith("Multiboot1: Multiboot information at [0x10000, ", Error(builder.Build()));
            Assert.EndsWith(" overlaps ELF program header 0 at [0x10000, 0x11000)", Error(builder.Build()));
        }

        [Fact]
        public void OverlappingSegments()
        {
            ElfBuilder builder = new ElfBuilder { Entry = 0x100000, HeaderBlob = MultibootHeaders.Multiboot1(3) }
                .Segment(0x100000, new byte[0x100], memorySize: 0x2000).Segment(0x101000, new byte[0x10]);
            Assert.Equal("Multiboot1: ELF program header 1 at [0x101000, 0x101010) overlaps ELF program header 0 at [0x100000, 0x102000)", Error(builder.Build()));
        }

        [Fact]
        public void ModuleThatDoesNotFit() =>
            Assert.Equal("Multiboot1: module 1 (0x10000000 bytes) does not fit in usable guest RAM below 4 GiB above the kernel (which ends at 0x105000)",
                Error(Kernel().Build(), Parameters(new LoaderModule(0x1000, "a"), new LoaderModule(0x10000000, "b"))));

        [Fact]
        public void ModuleStringWithANul() =>
            Assert.Equal("Multiboot1: module 0's string has a character outside 1-255 at index 1",
                Error(Kernel().Build(), Parameters(new LoaderModule(0x1000, "a\0b"))));

        [Fact]
        public void TooManyModules() =>
            Assert.Equal("Multiboot1: 257 modules exceed the limit of 256", Error(Kernel().Build(), Parameters(new LoaderModule[257])));
    }
}
