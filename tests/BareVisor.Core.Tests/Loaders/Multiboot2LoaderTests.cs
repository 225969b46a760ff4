// Host test code. Multiboot2 kernels planned as guests: header tags, the information block read
// back with BareVisor's own Multiboot2Parser, and each malformed header's message.
using System;
using BareVisor.Core.Boot;
using BareVisor.Core.Guests;
using BareVisor.Core.Loaders;
using BareVisor.Core.Memory;
using BareVisor.Core.Tests.Fakes;

namespace BareVisor.Core.Tests.Loaders
{
    public class Multiboot2LoaderTests
    {
        private static MultibootParameters Parameters(params LoaderModule[] modules) => Multiboot1LoaderTests.Parameters(modules);

        private static ElfBuilder Kernel(params (ushort, ushort, byte[])[] tags) => new ElfBuilder
        {
            Is64 = true,
            Entry = 0x100000,
            HeaderBlob = MultibootHeaders.Multiboot2(tags),
        }.Segment(0x100000, Multiboot1LoaderTests.Text(0x1000, 1)).Segment(0x101000, new byte[0x20], memorySize: 0x1000);

        private static LoadPlan Plan(byte[] image, MultibootParameters parameters)
        {
            Assert.True(MultibootLoader.TryPlanMultiboot2(image, parameters, out LoadPlan plan, out string error), error);
            return plan;
        }

        private static string Error(byte[] image, MultibootParameters parameters = null)
        {
            Assert.False(MultibootLoader.TryPlanMultiboot2(image, parameters ?? Parameters(), out LoadPlan plan, out string error));
            Assert.Null(plan);
            return error;
        }

        private static byte[] FlatWithHeader(byte[] header, int size = 0x2000, int at = 0)
        {
            byte[] image = Multiboot1LoaderTests.Text(size, 3);
            header.CopyTo(image, at);
            return image;
        }

        [Fact]
        public void PlansAnElfKernelAndItsInformation()
        {
            byte[] rsdp = AcpiImage.Rsdp(2, 0x7FE1000, 0x7FE2000);
            MultibootParameters parameters = Parameters(new LoaderModule(0x3000, "initramfs"));
            parameters.AcpiRsdp = rsdp;
            byte[] image = Kernel(MultibootHeaders.InformationRequest(false, 1, 3, 6, 15), (6, 1, new byte[0])).Build();
            LoadPlan plan = Plan(image, parameters);
            Assert.Equal("Multiboot2 ELF64", plan.Format);
            Assert.Equal(GuestStartMode.Protected, plan.Start.Mode);
            Assert.Equal(0x36D76289UL, plan.Start.Rax);
            Assert.Equal(BootAddresses.BootInformation, plan.Start.Rbx);
            Assert.Equal(0x100000UL, plan.Start.Rip);
            Assert.True(plan.TryFindSegment("Multiboot information", out LoadSegment info));
            Assert.Equal(0, info.Data.Length % 8);
            FakePhysicalMemory mem = FakePhysicalMemory.With(info.Address.Value, info.Data);
            Assert.True(Multiboot2Parser.TryParse(ref mem, new HostPhysical(info.Address.Value), out BootInfo parsed, out string error), error);
            Assert.Equal("kernel console=com1", parsed.CommandLine);
            Assert.Equal("BareVisor", parsed.BootLoaderName);
            Assert.Single(parsed.Modules);
            Assert.Equal(0x102000UL, parsed.Modules[0].Range.Start.Value);
            Assert.Equal(0x3000UL, parsed.Modules[0].Range.Length);
            Assert.Equal("initramfs", parsed.Modules[0].CommandLine);
            Assert.Equal(plan.MemoryMap.Length, parsed.MemoryMap.Length);
            Assert.Equal(plan.MemoryMap[3].Length, parsed.MemoryMap[3].Length);
            Assert.True(Rsdp.IsValidAt(mem.Read(parsed.Rsdp, 36)));
            Assert.Equal(rsdp, mem.Read(parsed.Rsdp, rsdp.Length).ToArray());
        }

        [Fact]
        public void Elf32KernelWithoutModules()
        {
            ElfBuilder builder = Kernel();
            builder.Is64 = false;
            LoadPlan plan = Plan(builder.Build(), Parameters());
            Assert.Equal("Multiboot2 ELF32", plan.Format);
            Assert.False(plan.TryFindSegment("module 0", out _));
        }

        [Fact]
        public void EntryAddressTagOverridesTheElfEntry()
        {
            LoadPlan plan = Plan(Kernel(MultibootHeaders.EntryTag(0x100040)).Build(), Parameters());
            Assert.Equal(0x100040UL, plan.Start.Rip);
        }

        [Fact]
        public void AddressTagLoadsAFlatImage()
        {
            // load_addr -1: the file from its start, placed so the header lands at header_addr.
            byte[] header = MultibootHeaders.Multiboot2(MultibootHeaders.AddressTag(0x200100, 0xFFFFFFFF, 0, 0x205000), MultibootHeaders.EntryTag(0x200200));
            LoadPlan plan = Plan(FlatWithHeader(header, at: 0x100), Parameters());
            Assert.Equal("Multiboot2 a.out kludge", plan.Format);
            Assert.True(plan.TryFindSegment("kernel", out LoadSegment kernel));
            Assert.Equal(0x200000UL, kernel.Address.Value);
            Assert.Equal(0UL, kernel.SourceOffset);
            Assert.Equal(0x2000UL, kernel.SourceLength);
            Assert.Equal(0x3000UL, kernel.ZeroFillLength);
            Assert.Equal(0x200200UL, plan.Start.Rip);
        }

        [Fact]
        public void IgnorableTagsBecomeWarnings()
        {
            byte[] image = Kernel(
                (4, 0, new ByteWriter().U32(1).ToArray()),                     // console flags: EGA text required
                (5, 1, new ByteWriter().U32(1024).U32(768).U32(32).ToArray()),  // framebuffer
                (7, 0, new byte[0]),                                           // EFI boot services
                (10, 1, new ByteWriter().U32(0x100000).U32(0x1000000).U32(0x1000).U32(0).ToArray()),
                (99, 1, new byte[4])                                           // unknown but optional
            ).Build();
            LoadPlan plan = Plan(image, Parameters());
            Assert.Equal(3, plan.Warnings.Length);
            Assert.Contains("EGA text console", plan.Warnings[0]);
            Assert.Contains("framebuffer", plan.Warnings[1]);
            Assert.Contains("EFI", plan.Warnings[2]);
        }

        [Fact]
        public void OptionalInformationRequestsNeedNotBeMet() =>
            Assert.Empty(Plan(Kernel(MultibootHeaders.InformationRequest(true, 8, 9, 21)).Build(), Parameters()).Warnings);

        [Fact]
        public void TryPlanPrefersMultiboot2()
        {
            ElfBuilder builder = Kernel();
            byte[] mb2 = MultibootHeaders.Multiboot2();
            builder.HeaderBlob = new byte[0x10 + mb2.Length];
            MultibootHeaders.Multiboot1(3).CopyTo(builder.HeaderBlob, 0);
            mb2.CopyTo(builder.HeaderBlob, 0x10);
            Assert.True(MultibootLoader.TryPlan(builder.Build(), Parameters(), out LoadPlan plan, out string error), error);
            Assert.Equal(0x36D76289UL, plan.Start.Rax);
            Assert.Equal(GuestImageFormat.Multiboot2, GuestImage.Detect(builder.Build()));
        }

        // --- malformed and unsupported ---

        [Fact]
        public void NoHeader() =>
            Assert.Equal("Multiboot2: no header (magic 0xe85250d6, 8-byte aligned) in the first 32768 bytes", Error(new byte[0x9000]));

        [Fact]
        public void MisalignedHeaderIsNotFound() =>
            Assert.StartsWith("Multiboot2: no header", Error(FlatWithHeader(MultibootHeaders.Multiboot2(), at: 4)));

        [Fact]
        public void HeaderBeyondTheFirst32KiB() =>
            Assert.StartsWith("Multiboot2: no header", Error(FlatWithHeader(MultibootHeaders.Multiboot2(), size: 0x9000, at: 0x8000)));

        [Fact]
        public void BadChecksum() =>
            Assert.Equal("Multiboot2: the header at 0x18 has a bad checksum (magic + architecture + header_length + checksum must be 0)",
                Error(FlatWithHeader(MultibootHeaders.Multiboot2Raw(0, 5, true), at: 0x18)));

        [Fact]
        public void WrongArchitecture() =>
            Assert.Equal("Multiboot2: architecture 4 is not i386 (0)", Error(FlatWithHeader(MultibootHeaders.Multiboot2Raw(4, null, true))));

        [Fact]
        public void HeaderLengthPastTheEndOfTheFile()
        {
            byte[] header = MultibootHeaders.Multiboot2();
            Assert.Equal("Multiboot2: header_length 0x18 of the header at 0x0 is too small for an end tag or runs past the end of the file", Error(header[..20]));
        }

        [Fact]
        public void NoEndTag() =>
            Assert.Equal("Multiboot2: the header's tags have no end tag (type 0) within header_length",
                Error(FlatWithHeader(MultibootHeaders.Multiboot2Raw(0, null, false, MultibootHeaders.EntryTag(0x100000)))));

        [Fact]
        public void TagSizeTooSmall()
        {
            // The checksum covers only the fixed fields, so a broken tag size still leaves the header found.
            byte[] header = MultibootHeaders.Multiboot2(MultibootHeaders.EntryTag(0x100000));
            BitConverter.GetBytes(4u).CopyTo(header, 16 + 4);
            Assert.Equal("Multiboot2: header tag 3 at header offset 0x10 has size 4, outside 8 to the end of header_length", Error(FlatWithHeader(header)));
        }

        [Fact]
        public void RequiredUnknownTag() =>
            Assert.Equal("Multiboot2: header tag 42 at header offset 0x10 is not optional and unknown to this loader",
                Error(Kernel((42, 0, new byte[8])).Build()));

        [Fact]
        public void RequiredInformationThatIsNotProvided() =>
            Assert.Equal("Multiboot2: the kernel requires information tag 8, which this loader does not provide",
                Error(Kernel(MultibootHeaders.InformationRequest(false, 6, 8)).Build()));

        [Fact]
        public void RequiredAcpiTagWithoutAnRsdp() =>
            Assert.Equal("Multiboot2: the kernel requires information tag 14, which this loader does not provide",
                Error(Kernel(MultibootHeaders.InformationRequest(false, 14)).Build()));

        [Fact]
        public void AddressTagWithoutEntryTag() =>
            Assert.Equal("Multiboot2: the header has an address tag (2) but no entry address tag (3)",
                Error(FlatWithHeader(MultibootHeaders.Multiboot2(MultibootHeaders.AddressTag(0x200000, 0x200000, 0, 0)))));

        [Fact]
        public void TruncatedAddressTag() =>
            Assert.Equal("Multiboot2: header tag 2 at header offset 0x10 (address) is smaller than its 24 bytes",
                Error(FlatWithHeader(MultibootHeaders.Multiboot2((2, 0, new byte[8]), MultibootHeaders.EntryTag(0x200000)))));

        [Fact]
        public void AddressTagPlacingTheFileBelowZero() =>
            Assert.Equal("Multiboot2: header_addr 0x10 is below the header's file offset 0x100, so the file would start below address 0",
                Error(FlatWithHeader(MultibootHeaders.Multiboot2(MultibootHeaders.AddressTag(0x10, 0xFFFFFFFF, 0, 0), MultibootHeaders.EntryTag(0x10)), at: 0x100)));

        [Fact]
        public void ShortRsdp()
        {
            MultibootParameters parameters = Parameters();
            parameters.AcpiRsdp = new byte[10];
            Assert.Equal("Multiboot2: the RSDP copy is shorter than 20 bytes", Error(Kernel().Build(), parameters));
        }
    }
}
