// Host test code. The Linux boot protocol loader on synthetic bzImages: the plan, the zero page,
// and one malformed image per check.
using System;
using BareVisor.Core.Boot;
using BareVisor.Core.Guests;
using BareVisor.Core.Loaders;
using BareVisor.Core.Memory;

namespace BareVisor.Core.Tests.Loaders
{
    public class LinuxLoaderTests
    {
        private const ulong Ram = 256UL << 20;

        private static LinuxBootParameters Parameters(ulong ram = Ram, string commandLine = "console=ttyS0", ulong initrd = 0) => new LinuxBootParameters
        {
            Memory = GuestMemoryLayout.StandardPc(ram),
            CommandLine = commandLine,
            InitrdLength = initrd,
        };

        private static LoadPlan Plan(byte[] image, LinuxBootParameters parameters)
        {
            Assert.True(LinuxLoader.TryPlan(image, parameters, out LoadPlan plan, out string error), error);
            return plan;
        }

        private static string Error(byte[] image, LinuxBootParameters parameters = null)
        {
            Assert.False(LinuxLoader.TryPlan(image, parameters ?? Parameters(), out LoadPlan plan, out string error));
            Assert.Null(plan);
            return error;
        }

        [Fact]
        public void PlansTheSixtyFourBitEntryAtPrefAddress()
        {
            BzImageBuilder builder = new BzImageBuilder();
            byte[] image = builder.Build();
            LoadPlan plan = Plan(image, Parameters());
            Assert.Equal("bzImage", plan.Format);
            Assert.Empty(plan.Warnings);
            Assert.True(plan.TryFindSegment("kernel", out LoadSegment kernel));
            Assert.Equal(0x1000000UL, kernel.Address.Value);
            Assert.Equal(LoadSource.Image, kernel.Source);
            Assert.Equal(5UL * 512, kernel.SourceOffset);
            Assert.Equal((ulong)builder.ProtectedModeSize, kernel.SourceLength);
            Assert.Equal(0UL, kernel.ZeroFillLength);
            StartState start = plan.Start;
            Assert.Equal(GuestStartMode.Long, start.Mode);
            Assert.Equal(0x1000200UL, start.Rip);
            Assert.Equal(BootAddresses.BootInformation, start.Rsi);
            Assert.Equal(BootAddresses.StackTop, start.Rsp);
            Assert.Equal(BootAddresses.PageTables, start.Cr3);
            Assert.Equal(BootAddresses.Gdt, start.GdtBase.Value);
            Assert.Equal(0x10, start.CodeSelector);
            Assert.Equal(0x18, start.DataSelector);
            GuestMemoryImage memory = GuestMemoryImage.Apply(plan, image);
            Assert.Equal(new byte[] { 0xFC, 0xFA }, memory.Read(start.Rip, 2));
        }

        [Fact]
        public void ZeroPageCarriesTheHeaderAndTheLoaderFields()
        {
            byte[] image = new BzImageBuilder().Build();
            image[0x270] = 0x5A; // past the header's end (0x26C): not the header, must not be copied
            byte[] initrd = new byte[0x12345];
            LoadPlan plan = Plan(image, Parameters(commandLine: "console=ttyS0 quiet", initrd: (ulong)initrd.Length));
            GuestMemoryImage memory = GuestMemoryImage.Apply(plan, image, initrd);
            ulong zp = plan.Start.Rsi;
            // The setup header from 0x1F1 up to 0x202 + image[0x201], with type_of_loader set.
            byte[] header = memory.Read(zp + 0x1F1, 0x26C - 0x1F1);
            byte[] expected = image.AsSpan(0x1F1, 0x26C - 0x1F1).ToArray();
            expected[0x210 - 0x1F1] = 0xFF;
            BitConverter.GetBytes((uint)0x1000000).CopyTo(expected, 0x214 - 0x1F1);
            BitConverter.GetBytes((uint)BootAddresses.CommandLine).CopyTo(expected, 0x228 - 0x1F1);
            Assert.True(plan.TryFindSegment("initrd", out LoadSegment initrdSegment));
            BitConverter.GetBytes((uint)initrdSegment.Address.Value).CopyTo(expected, 0x218 - 0x1F1);
            BitConverter.GetBytes((uint)initrd.Length).CopyTo(expected, 0x21C - 0x1F1);
            Assert.Equal(expected, header);
            Assert.Equal(0, memory.U8(zp + 0x1EF));              // sentinel stays 0
            Assert.Equal(0U, memory.U32(zp + 0x0C0));             // ext_ramdisk_image
            Assert.Equal(0U, memory.U32(zp + 0x0C8));             // ext_cmd_line_ptr
            Assert.Equal(0UL, memory.U64(zp + 0x070));            // acpi_rsdp_addr: none given
            Assert.Equal("console=ttyS0 quiet", memory.CString(memory.U32(zp + 0x228)));
            Assert.Equal(0, memory.U8(zp + 0x270));
        }

        [Fact]
        public void E820TableDescribesTheGuestMemory()
        {
            byte[] image = new BzImageBuilder().Build();
            LinuxBootParameters parameters = Parameters();
            parameters.Memory.AddReserved(new GuestPhysical(0x7FE0000), 0x20000, MemoryType.AcpiReclaimable);
            LoadPlan plan = Plan(image, parameters);
            GuestMemoryImage memory = GuestMemoryImage.Apply(plan, image);
            ulong zp = plan.Start.Rsi;
            (ulong, ulong, uint)[] expected =
            {
                (0, 0x9FC00, 1), (0x9FC00, 0x400, 2), (0xE0000, 0x20000, 2), (0x100000, 0x7EE0000, 1),
                (0x7FE0000, 0x20000, 3), (0x8000000, Ram - 0x8000000, 1),
            };
            Assert.Equal(expected.Length, memory.U8(zp + 0x1E8));
            for (int i = 0; i < expected.Length; i++)
            {
                ulong entry = zp + 0x2D0 + (ulong)i * 20;
                Assert.Equal(expected[i], (memory.U64(entry), memory.U64(entry + 8), memory.U32(entry + 16)));
            }
            Assert.Equal(plan.MemoryMap.Length, expected.Length);
        }

        [Fact]
        public void InitrdGoesHighBelowInitrdAddrMaxAndRamTop()
        {
            byte[] image = new BzImageBuilder().Build();
            // RAM top below initrd_addr_max: the initrd ends at the top of RAM, page-aligned.
            LoadPlan plan = Plan(image, Parameters(initrd: 0x100800));
            Assert.True(plan.TryFindSegment("initrd", out LoadSegment initrd));
            Assert.Equal(LoadSource.Module, initrd.Source);
            Assert.Equal(0, initrd.ModuleIndex);
            Assert.Equal((Ram - 0x100800) & ~0xFFFUL, initrd.Address.Value);
            // initrd_addr_max below RAM top: the initrd ends at or below initrd_addr_max + 1.
            byte[] limited = new BzImageBuilder { InitrdAddrMax = 0x3FFFFFF }.Build();
            plan = Plan(limited, Parameters(initrd: 0x100000));
            Assert.True(plan.TryFindSegment("initrd", out initrd));
            Assert.Equal(0x4000000UL - 0x100000, initrd.Address.Value);
        }

        [Fact]
        public void InitrdAvoidsTheKernelsInitSize()
        {
            // RAM ends inside the kernel's init_size window's shadow: the only room is below the kernel.
            byte[] image = new BzImageBuilder { InitSize = 0x2000000 }.Build();
            LoadPlan plan = Plan(image, Parameters(ram: 0x3000000, initrd: 0x200000));
            Assert.True(plan.TryFindSegment("initrd", out LoadSegment initrd));
            Assert.Equal(0x1000000UL - 0x200000, initrd.Address.Value);
        }

        [Fact]
        public void InitrdThatDoesNotFitIsRefused()
        {
            string error = Error(new BzImageBuilder().Build(), Parameters(ram: 32UL << 20, initrd: 24UL << 20));
            Assert.StartsWith("bzImage: the initrd (0x1800000 bytes) does not fit in usable guest RAM below initrd_addr_max 0x7fffffff", error);
        }

        [Fact]
        public void AcpiRsdpAddressGoesIntoTheZeroPage()
        {
            byte[] image = new BzImageBuilder().Build();
            LinuxBootParameters parameters = Parameters();
            parameters.AcpiRsdp = new GuestPhysical(0xE0000);
            LoadPlan plan = Plan(image, parameters);
            Assert.Equal(0xE0000UL, GuestMemoryImage.Apply(plan, image).U64(plan.Start.Rsi + 0x70));
        }

        [Fact]
        public void UnalignedPrefAddressFallsBackToSixteenMiBWithAWarning()
        {
            byte[] image = new BzImageBuilder { PrefAddress = 0x1234000 }.Build();
            LoadPlan plan = Plan(image, Parameters());
            Assert.Equal(0x1000200UL, plan.Start.Rip);
            Assert.Single(plan.Warnings);
            Assert.Contains("pref_address 0x1234000 is unusable", plan.Warnings[0]);
        }

        [Fact]
        public void ZeroPrefAddressLoadsAtSixteenMiBAlignedToKernelAlignment()
        {
            byte[] image = new BzImageBuilder { PrefAddress = 0, KernelAlignment = 0x4000000 }.Build();
            LoadPlan plan = Plan(image, Parameters());
            Assert.Equal(0x4000200UL, plan.Start.Rip);
            Assert.Empty(plan.Warnings);
        }

        [Fact]
        public void PrefAddressOutsideRamFallsBack()
        {
            byte[] image = new BzImageBuilder { PrefAddress = 0x40000000 }.Build();
            LoadPlan plan = Plan(image, Parameters());
            Assert.Equal(0x1000200UL, plan.Start.Rip);
            Assert.Single(plan.Warnings);
        }

        [Fact]
        public void PrefAddressAboveTheIdentityMapFallsBack()
        {
            byte[] image = new BzImageBuilder { PrefAddress = 0x100000000 }.Build();
            LoadPlan plan = Plan(image, Parameters(ram: 8UL << 30));
            Assert.Equal(0x1000200UL, plan.Start.Rip);
            Assert.Contains("above 4 GiB", plan.Warnings[0]);
        }

        [Fact]
        public void KernelWithoutRoomIsRefused()
        {
            string error = Error(new BzImageBuilder { InitSize = 0x4000000 }.Build(), Parameters(ram: 48UL << 20));
            Assert.Equal("bzImage: no room for the kernel: it needs init_size 0x4000000 bytes of usable guest RAM at pref_address 0x1000000 or at 0x1000000", error);
        }

        [Fact]
        public void SetupSectsZeroMeansFour()
        {
            byte[] image = new BzImageBuilder { SetupSects = 0 }.Build();
            LoadPlan plan = Plan(image, Parameters());
            Assert.True(plan.TryFindSegment("kernel", out LoadSegment kernel));
            Assert.Equal(5UL * 512, kernel.SourceOffset);
        }

        [Fact]
        public void EmptyCommandLineIsAnEmptyString()
        {
            byte[] image = new BzImageBuilder().Build();
            LoadPlan plan = Plan(image, Parameters(commandLine: ""));
            Assert.True(plan.TryFindSegment("command line", out LoadSegment line));
            Assert.Equal(1UL, line.SourceLength);
            Assert.Equal(new byte[] { 0 }, line.Data);
        }

        [Fact]
        public void TheImageIsCopiedNotZeroFilledAndGeneratedPartsStayLow()
        {
            LoadPlan plan = Plan(new BzImageBuilder().Build(), Parameters(initrd: 4096));
            foreach (LoadSegment s in plan.Segments)
            {
                if (s.Source == LoadSource.Generated)
                    Assert.True(s.End.Value <= BootAddresses.LowAreaEnd, s.Name);
            }
            Assert.Equal(new[] { "page tables", "GDT", "boot stack", "kernel", "command line", "initrd", "boot_params" },
                Array.ConvertAll(plan.Segments, s => s.Name));
        }

        // --- malformed images, one check each ---

        [Fact]
        public void TooSmall() =>
            Assert.Equal("bzImage: the image is 512 bytes, too small to hold a boot sector and a setup header (1024)", Error(new byte[512]));

        [Fact]
        public void MissingBootFlag() =>
            Assert.Equal("bzImage: boot_flag 0xAA55 missing at 0x1FE (found 0x1234)", Error(new BzImageBuilder { BootFlag = 0x1234 }.Build()));

        [Fact]
        public void MissingHdrS() =>
            Assert.Equal("bzImage: setup header magic 'HdrS' missing at 0x202", Error(new BzImageBuilder { Magic = "HdrZ" }.Build()));

        [Fact]
        public void ProtocolTooOld() =>
            Assert.Equal("bzImage: boot protocol 2.11 is older than 2.12, the first with xloadflags and a 64-bit entry",
                Error(new BzImageBuilder { Version = 0x020B }.Build()));

        [Fact]
        public void HeaderTooShort() =>
            Assert.StartsWith("bzImage: the setup header ends at 0x262 (0x202 + the byte at 0x201)", Error(new BzImageBuilder { JumpLength = 0x60 }.Build()));

        [Fact]
        public void SetupSectsPastTheEnd() =>
            Assert.Equal("bzImage: setup_sects 200 puts the protected-mode kernel at 0x19200, past the end of the 6656-byte image",
                Error(new BzImageBuilder { ProtectedModeSize = 0x1000 }.Build().Patch(0x1F1, 200)));

        [Fact]
        public void TruncatedProtectedModeCode() =>
            Assert.Equal("bzImage: syssize says 0x20000 bytes of protected-mode code but only 0x10000 follow the setup code (the image is truncated)",
                Error(new BzImageBuilder { TruncateTo = 5 * 512 + 0x10000 }.Build()));

        // A protected-mode kernel whose size is not a multiple of 16: syssize is rounded up, so
        // the file ends before syssize * 16, and GRUB and QEMU boot it.
        [Theory]
        [InlineData(1)]
        [InlineData(15)]
        public void SyssizeRoundedUpPastTheEndOfTheFileIsAccepted(int shortBy)
        {
            byte[] image = new BzImageBuilder { ProtectedModeSize = 0x10000 }.Build()[..^shortBy];
            LoadPlan plan = Plan(image, Parameters());
            Assert.True(plan.TryFindSegment("kernel", out LoadSegment kernel));
            Assert.Equal((ulong)(0x10000 - shortBy), kernel.SourceLength);
        }

        [Fact]
        public void SyssizeSixteenBytesPastTheEndIsTruncation() =>
            Assert.Equal("bzImage: syssize says 0x10000 bytes of protected-mode code but only 0xfff0 follow the setup code (the image is truncated)",
                Error(new BzImageBuilder { ProtectedModeSize = 0x10000 }.Build()[..^16]));

        [Fact]
        public void NotLoadedHigh() =>
            Assert.Equal("bzImage: loadflags bit 0 (LOADED_HIGH) is clear: a zImage loaded at 0x10000 is not supported",
                Error(new BzImageBuilder { LoadFlags = 0x80 }.Build()));

        [Fact]
        public void NoSixtyFourBitEntry() =>
            Assert.Equal("bzImage: xloadflags bit 0 (XLF_KERNEL_64) is clear: the kernel has no 64-bit entry point",
                Error(new BzImageBuilder { XLoadFlags = 0x02 }.Build()));

        [Fact]
        public void KernelAlignmentNotAPowerOfTwo() =>
            Assert.Equal("bzImage: kernel_alignment 0x300000 is not a power of two", Error(new BzImageBuilder { KernelAlignment = 0x300000 }.Build()));

        [Fact]
        public void InitSizeSmallerThanTheKernel() =>
            Assert.Equal("bzImage: init_size 0x1000 is smaller than the 0x20000 bytes of protected-mode kernel",
                Error(new BzImageBuilder { InitSize = 0x1000 }.Build()));

        [Fact]
        public void CommandLineLongerThanCmdlineSize() =>
            Assert.Equal("bzImage: the command line is 300 bytes, longer than the kernel's cmdline_size 255",
                Error(new BzImageBuilder { CmdlineSize = 255 }.Build(), Parameters(commandLine: new string('x', 300))));

        [Fact]
        public void CommandLineWithANonLatin1Character() =>
            Assert.Equal("bzImage: the command line has a character outside 1-255 at index 4",
                Error(new BzImageBuilder().Build(), Parameters(commandLine: "abc \u2603")));

        [Fact]
        public void TooLittleRamForTheLowArea()
        {
            LinuxBootParameters parameters = Parameters();
            parameters.Memory = new GuestMemoryLayout().AddRam(new GuestPhysical(0x100000), 255UL << 20);
            Assert.Equal("bzImage: page tables at [0x1000, 0x7000) is not inside usable guest RAM", Error(new BzImageBuilder().Build(), parameters));
        }
    }

    internal static class ByteArrayPatch
    {
        public static byte[] Patch(this byte[] bytes, int offset, byte value)
        {
            bytes[offset] = value;
            return bytes;
        }
    }
}
