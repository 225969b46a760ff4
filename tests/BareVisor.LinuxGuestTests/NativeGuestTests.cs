// Host side. The native boot of the default guest (the benchmark's baseline): its grub.cfg, the
// address its kernel starts at, and an ISO built from a vms.conf, whose command line and memory
// are the configuration's. The ISO test runs grub-mkrescue (a second or two).
using System;
using System.Buffers.Binary;
using System.IO;
using BareVisor.ImageTool;
using BareVisor.LinuxGuest;
using Xunit;

namespace BareVisor.LinuxGuestTests;

public sealed class NativeGuestTests
{
    /// <summary>A bzImage with a protocol 2.15 setup header and a small protected-mode part.</summary>
    private static byte[] BzImage(bool relocatable, ulong prefAddress = 0x1000000)
    {
        const int setupSectors = 4, protectedModeSize = 0x4000;
        byte[] image = new byte[(setupSectors + 1) * 512 + protectedModeSize];
        Span<byte> span = image;
        image[0x1F1] = setupSectors;
        BinaryPrimitives.WriteUInt32LittleEndian(span[0x1F4..], protectedModeSize / 16);   // syssize
        BinaryPrimitives.WriteUInt16LittleEndian(span[0x1FE..], 0xAA55);
        image[0x200] = 0xEB;
        image[0x201] = 0x6A;                                                               // the header ends at 0x26C
        "HdrS"u8.CopyTo(span[0x202..]);
        BinaryPrimitives.WriteUInt16LittleEndian(span[0x206..], 0x020F);
        image[0x211] = 1;                                                                  // LOADED_HIGH
        BinaryPrimitives.WriteUInt32LittleEndian(span[0x230..], 0x200000);                 // kernel_alignment
        image[0x234] = relocatable ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt16LittleEndian(span[0x236..], 1);                        // XLF_KERNEL_64
        BinaryPrimitives.WriteUInt64LittleEndian(span[0x258..], prefAddress);
        BinaryPrimitives.WriteUInt32LittleEndian(span[0x260..], 0x100000);                 // init_size
        return image;
    }

    [Fact]
    public void GrubLoadsTheKernelAndInitramfsWithTheCommandLine()
    {
        string config = NativeGuest.GrubConfig("/boot/guests/vmlinuz", "/boot/guests/initrd.img", "console=ttyS0 nokaslr  panic=-1");
        Assert.StartsWith("# ", config);
        Assert.Contains(MediaLayout.GrubSerialConsole, config);
        Assert.Contains("\n    linux /boot/guests/vmlinuz console=ttyS0 nokaslr panic=-1\n    initrd /boot/guests/initrd.img\n    boot\n}\n", config);
        Assert.DoesNotContain("multiboot", config);
    }

    [Fact]
    public void WordsGrubWouldExpandAreQuoted()
    {
        Assert.Equal("earlyprintk=serial,ttyS0,115200", NativeGuest.GrubWord("earlyprintk=serial,ttyS0,115200"));
        Assert.Equal("'root=$x'", NativeGuest.GrubWord("root=$x"));
        Assert.Equal("'a\"b'", NativeGuest.GrubWord("a\"b"));
        Assert.Equal("'it'\\''s'", NativeGuest.GrubWord("it's"));
        Assert.Equal("''", NativeGuest.GrubWord(""));
    }

    [Fact]
    public void GrubStartsARelocatableKernelAtItsPreferredAddress()
    {
        Assert.Equal(0x1000000UL, NativeGuest.KernelEntry(BzImage(relocatable: true)));
        Assert.Equal(0x2000000UL, NativeGuest.KernelEntry(BzImage(relocatable: true, prefAddress: 0x2000000)));
        Assert.Equal(NativeGuest.FixedLoadAddress, NativeGuest.KernelEntry(BzImage(relocatable: false)));
        Assert.Equal(0x100000UL, NativeGuest.FixedLoadAddress);
        Assert.Throws<ImageToolException>(() => NativeGuest.KernelEntry(new byte[4096]));
    }

    [Fact]
    public void TheIsoIsBuiltFromTheGuestsConfiguration()
    {
        using var scratch = new TemporaryDirectory("barevisor-native-test-");
        Directory.CreateDirectory(Path.Combine(scratch.Path, "guests"));
        File.WriteAllBytes(Path.Combine(scratch.Path, DefaultGuest.KernelModule), BzImage(relocatable: true));
        File.WriteAllBytes(Path.Combine(scratch.Path, DefaultGuest.InitrdModule), new byte[512]);
        string configPath = Path.Combine(scratch.Path, DefaultGuest.ConfigName);
        File.WriteAllText(configPath, DefaultGuest.Config(DefaultGuest.CommandLine, DefaultGuest.MemoryMiB));
        string iso = Path.Combine(scratch.Path, NativeGuest.IsoName);

        NativeBuild build = NativeGuest.Build(configPath, iso);

        Assert.Equal(new NativeBuild(iso, DefaultGuest.CommandLine, DefaultGuest.MemoryMiB, 0x1000000), build);
        Assert.True(new FileInfo(iso).Length > 1 << 20, "the ISO is missing or too small to hold GRUB");
        Assert.Empty(Directory.GetFiles(scratch.Path, "*.partial"));
    }

    [Fact]
    public void AConfigurationWithoutAnInitrdIsRefused()
    {
        using var scratch = new TemporaryDirectory("barevisor-native-test-");
        File.WriteAllBytes(Path.Combine(scratch.Path, "vmlinuz"), BzImage(relocatable: true));
        string configPath = Path.Combine(scratch.Path, "vms.conf");
        File.WriteAllText(configPath, "[vm a]\nkernel = vmlinuz\nmemory = 64M\n");
        var error = Assert.Throws<ImageToolException>(() => NativeGuest.Build(configPath, Path.Combine(scratch.Path, "x.iso")));
        Assert.Contains("needs a kernel and an initrd", error.Message);
    }
}
