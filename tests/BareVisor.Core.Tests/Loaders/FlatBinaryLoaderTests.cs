// Host test code. Flat binaries in real, protected and long mode.
using System;
using BareVisor.Core.Guests;
using BareVisor.Core.Loaders;
using BareVisor.Core.Memory;

namespace BareVisor.Core.Tests.Loaders
{
    public class FlatBinaryLoaderTests
    {
        private static FlatBinaryParameters Parameters(GuestStartMode mode, ulong load, ulong entryOffset = 0) => new FlatBinaryParameters
        {
            Memory = GuestMemoryLayout.StandardPc(16UL << 20),
            Mode = mode,
            LoadAddress = new GuestPhysical(load),
            EntryOffset = entryOffset,
        };

        private static LoadPlan Plan(byte[] image, FlatBinaryParameters parameters)
        {
            Assert.True(FlatBinaryLoader.TryPlan(image, parameters, out LoadPlan plan, out string error), error);
            return plan;
        }

        private static string Error(byte[] image, FlatBinaryParameters parameters)
        {
            Assert.False(FlatBinaryLoader.TryPlan(image, parameters, out LoadPlan plan, out string error));
            Assert.Null(plan);
            return error;
        }

        [Fact]
        public void RealModeBootSectorStyle()
        {
            byte[] image = Multiboot1LoaderTests.Text(512, 0);
            LoadPlan plan = Plan(image, Parameters(GuestStartMode.Real, 0x7C00));
            Assert.Equal("flat binary", plan.Format);
            Assert.Single(plan.Segments);
            Assert.Equal(0x7C00UL, plan.Segments[0].Address.Value);
            Assert.Equal(GuestStartMode.Real, plan.Start.Mode);
            Assert.Equal(0x7C00UL, plan.Start.Rip);
            Assert.Equal(0, plan.Start.CodeSelector);
            Assert.Equal(0x7C00UL, plan.Start.Rsp);
            Assert.Equal(0, plan.Start.GdtLimit);
            Assert.Equal(image, GuestMemoryImage.Apply(plan, image).Read(0x7C00, 512));
        }

        [Fact]
        public void RealModeEntryAboveSixtyFourKiBUsesASegment()
        {
            LoadPlan plan = Plan(new byte[0x100], Parameters(GuestStartMode.Real, 0x12300, 0x45));
            Assert.Equal(0x12345UL, plan.Start.Rip);
            Assert.Equal(0x1000, plan.Start.CodeSelector); // CS base 0x10000, IP 0x2345
        }

        [Fact]
        public void ProtectedModeGetsAGdtAndABootStack()
        {
            LoadPlan plan = Plan(new byte[0x1000], Parameters(GuestStartMode.Protected, 0x100000, 0x10));
            Assert.Equal(0x100010UL, plan.Start.Rip);
            Assert.Equal(BootAddresses.StackTop, plan.Start.Rsp);
            Assert.Equal(0UL, plan.Start.Cr3);
            Assert.True(plan.TryFindSegment("GDT", out LoadSegment gdt));
            Assert.Equal(BootTables.Code32Descriptor, BitConverter.ToUInt64(gdt.Data, 0x10));
            Assert.True(plan.TryFindSegment("boot stack", out LoadSegment stack));
            Assert.Equal(0x8000UL, stack.ZeroFillLength);
            Assert.Equal(BootAddresses.StackTop, stack.End.Value);
        }

        [Fact]
        public void LongModeGetsTheIdentityMap()
        {
            LoadPlan plan = Plan(new byte[0x1000], Parameters(GuestStartMode.Long, 0x100000));
            Assert.Equal(GuestStartMode.Long, plan.Start.Mode);
            Assert.Equal(BootAddresses.PageTables, plan.Start.Cr3);
            Assert.True(plan.TryFindSegment("page tables", out _));
            Assert.True(plan.TryFindSegment("GDT", out LoadSegment gdt));
            Assert.Equal(BootTables.Code64Descriptor, BitConverter.ToUInt64(gdt.Data, 0x10));
        }

        [Fact]
        public void StackCanBeGiven()
        {
            FlatBinaryParameters parameters = Parameters(GuestStartMode.Long, 0x100000);
            parameters.Stack = 0x100000;
            Assert.Equal(0x100000UL, Plan(new byte[16], parameters).Start.Rsp);
        }

        [Fact]
        public void EmptyImage() => Assert.Equal("flat binary: the image is empty", Error(new byte[0], Parameters(GuestStartMode.Real, 0x7C00)));

        [Fact]
        public void EntryPastTheImage() =>
            Assert.Equal("flat binary: the entry offset 0x10 is past the end of the 16-byte image", Error(new byte[16], Parameters(GuestStartMode.Real, 0x7C00, 0x10)));

        [Fact]
        public void RealModeEntryAboveOneMiB() =>
            Assert.Equal("flat binary: a real-mode entry point must be below 1 MiB (it is 0x100000)", Error(new byte[16], Parameters(GuestStartMode.Real, 0x100000)));

        [Fact]
        public void ImageOutsideRam() =>
            Assert.Equal("flat binary: image at [0x1000000, 0x1000010) is not inside usable guest RAM", Error(new byte[16], Parameters(GuestStartMode.Protected, 0x1000000)));

        [Fact]
        public void ImageOverTheGdt() =>
            Assert.Equal("flat binary: GDT at [0x7000, 0x7020) overlaps image at [0x6000, 0x8000)", Error(new byte[0x2000], Parameters(GuestStartMode.Protected, 0x6000)));

        [Fact]
        public void ImageInTheBiosArea() =>
            Assert.Equal("flat binary: image at [0xf0000, 0xf0010) is not inside usable guest RAM", Error(new byte[16], Parameters(GuestStartMode.Real, 0xF0000)));
    }
}
