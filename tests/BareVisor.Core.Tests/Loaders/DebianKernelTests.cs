// Host test code. The Linux loader on a real distribution kernel (Debian's cloud kernel, see
// DebianKernel): header fields as the 64-bit boot protocol needs them, and a full plan carried out.
using System;
using BareVisor.Core.Guests;
using BareVisor.Core.Loaders;

namespace BareVisor.Core.Tests.Loaders
{
    public class DebianKernelTests
    {
        private const ulong Ram = 512UL << 20;

        [Fact]
        public void SetupHeaderSupportsThe64BitBootProtocol()
        {
            (byte[] image, string name) = DebianKernel.Get();
            Assert.Equal(GuestImageFormat.LinuxBzImage, GuestImage.Detect(image));
            Assert.True(LinuxSetupHeader.TryParse(image, out LinuxSetupHeader header, out string error), name + ": " + error);
            Assert.True(header.Version >= 0x020C, name + " has boot protocol " + LinuxSetupHeader.VersionText(header.Version));
            Assert.True(header.HeaderEnd >= 0x268);
            Assert.NotEqual(0, header.XLoadFlags & LinuxSetupHeader.XlfKernel64);
            Assert.NotEqual(0, header.LoadFlags & LinuxSetupHeader.LoadedHigh);
            Assert.True(header.Relocatable);
            Assert.Equal(0x1000000UL, header.PrefAddress);          // CONFIG_PHYSICAL_START
            Assert.True(header.InitSize > header.ProtectedModeSize);
            Assert.True(header.CmdlineSize >= 255);
        }

        [Fact]
        public void PlanBootsThe64BitEntryWithInitrdAndCommandLine()
        {
            (byte[] image, string name) = DebianKernel.Get();
            byte[] initrd = Multiboot1LoaderTests.Text(0x300000 + 123, 77);
            LinuxBootParameters parameters = new LinuxBootParameters
            {
                Memory = GuestMemoryLayout.StandardPc(Ram),
                CommandLine = "console=ttyS0,115200 earlyprintk=serial rdinit=/init",
                InitrdLength = (ulong)initrd.Length,
            };
            Assert.True(LinuxLoader.TryPlan(image, parameters, out LoadPlan plan, out string error), name + ": " + error);
            Assert.Empty(plan.Warnings);
            Assert.Equal(GuestStartMode.Long, plan.Start.Mode);
            Assert.Equal(0x1000200UL, plan.Start.Rip);
            Assert.Equal(0x10000UL, plan.Start.Rsi);

            GuestMemoryImage memory = GuestMemoryImage.Apply(plan, image, initrd);
            int setup = (image[0x1F1] + 1) * 512;
            // arch/x86/boot/compressed/head_64.S: startup_64 at +0x200 begins with cld; cli.
            Assert.Equal(new byte[] { 0xFC, 0xFA }, memory.Read(plan.Start.Rip, 2));
            Assert.Equal(image.AsSpan(setup, 4096).ToArray(), memory.Read(0x1000000, 4096));
            Assert.Equal(image.AsSpan(image.Length - 4096).ToArray(), memory.Read(0x1000000 + (ulong)(image.Length - setup) - 4096, 4096));

            ulong zp = plan.Start.Rsi;
            int headerEnd = 0x202 + image[0x201];
            byte[] header = memory.Read(zp + 0x1F1, headerEnd - 0x1F1);
            for (int offset = 0x1F1; offset < headerEnd; offset++)
            {
                bool loaderField = offset == 0x210 || (offset >= 0x214 && offset < 0x220) || (offset >= 0x228 && offset < 0x22C);
                if (!loaderField)
                    Assert.True(image[offset] == header[offset - 0x1F1], "zero page byte " + offset.ToString("x") + " differs from the image");
            }
            Assert.Equal(0xFF, memory.U8(zp + 0x210));
            Assert.Equal(parameters.CommandLine, memory.CString(memory.U32(zp + 0x228)));
            ulong ramdisk = memory.U32(zp + 0x218) | (ulong)memory.U32(zp + 0xC0) << 32;
            Assert.Equal((uint)initrd.Length, memory.U32(zp + 0x21C));
            Assert.Equal(0UL, ramdisk & 0xFFF);
            Assert.True(ramdisk + (ulong)initrd.Length <= Math.Min(Ram, (ulong)memory.U32(zp + 0x22C) + 1));
            Assert.True(ramdisk >= 0x1000000 + memory.U32(zp + 0x260), "the initrd must lie clear of the kernel's init_size");
            Assert.Equal(initrd, memory.Read(ramdisk, initrd.Length));
            Assert.Equal(4, memory.U8(zp + 0x1E8));
        }

        [Fact]
        public void TooLittleMemoryForTheKernelIsRefusedByName()
        {
            (byte[] image, _) = DebianKernel.Get();
            LinuxBootParameters parameters = new LinuxBootParameters { Memory = GuestMemoryLayout.StandardPc(32UL << 20) };
            Assert.False(LinuxLoader.TryPlan(image, parameters, out _, out string error));
            Assert.StartsWith("bzImage: no room for the kernel: it needs init_size 0x", error);
        }

        [Fact]
        public void IsNotMistakenForAMultibootKernel()
        {
            (byte[] image, _) = DebianKernel.Get();
            Assert.False(MultibootLoader.TryPlan(image, Multiboot1LoaderTests.Parameters(), out _, out string error));
            Assert.StartsWith("Multiboot1: no header", error);
        }
    }
}
