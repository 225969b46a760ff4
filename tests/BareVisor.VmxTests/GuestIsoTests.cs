// Host side, no emulator: the ISO path end to end with grub-mkrescue and xorriso, which the
// build needs anyway. The kernel file is a stand-in; nothing boots here.
using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using BareVisor.Guests;
using Xunit;

namespace BareVisor.VmxTests;

public sealed class GuestIsoTests
{
    [Fact]
    public void GrubConfigLoadsTheKernelThenEachGuestInOrder()
    {
        var guests = new[] { TestGuests.RealModeCpuid(), TestGuests.EptRead() };
        string config = GuestIso.GrubConfig(guests, "loglevel=debug");
        string[] lines = config.Split('\n').Select(l => l.Trim()).ToArray();
        int kernel = Array.IndexOf(lines, "multiboot2 /boot/barevisor.elf loglevel=debug");
        Assert.True(kernel > 0, config);
        Assert.Equal("module2 /boot/real-cpuid.bin guest name=real-cpuid mode=real memory=4M", lines[kernel + 1]);
        Assert.Equal("module2 /boot/ept-read.bin guest name=ept-read mode=protected", lines[kernel + 2]);
        Assert.Equal("boot", lines[kernel + 3]);
        // The console setup of tools/make-iso.sh.
        Assert.Contains("serial --unit=0 --speed=115200", lines);
        Assert.Contains("set timeout=0", lines);
        Assert.Contains("multiboot2 /boot/barevisor.elf\n", GuestIso.GrubConfig(guests));
    }

    [Fact]
    public void MultibootKernelsComeWithTheConfigurationModule()
    {
        var guests = new[] { TestGuests.RealModeCpuid(), PlatformGuest.Kernel() };
        string[] lines = GuestIso.GrubConfig(guests).Split('\n').Select(l => l.Trim()).ToArray();
        int first = Array.IndexOf(lines, "module2 /boot/real-cpuid.bin guest name=real-cpuid mode=real memory=4M");
        Assert.True(first > 0);
        Assert.Equal("module2 /boot/platform.bin platform.bin", lines[first + 1]);
        Assert.Equal("module2 /boot/vms.conf config", lines[first + 2]);
        Assert.Equal("boot", lines[first + 3]);
        Assert.DoesNotContain("vms.conf", GuestIso.GrubConfig([TestGuests.RealModeCpuid()]));
        Assert.EndsWith("\n[vm platform]\nkernel = platform.bin\nmemory = 32M\n", GuestIso.Configuration(guests));
    }

    [Fact]
    public void RefusesTwoGuestsWithOneName() =>
        Assert.Throws<ArgumentException>(() => GuestIso.GrubConfig([TestGuests.HaltWithInterruptsDisabled(), TestGuests.HaltWithInterruptsDisabled()]));

    [Fact]
    public void BuildsAnIsoHoldingTheKernelGuestsAndConfig()
    {
        string directory = Directory.CreateTempSubdirectory("barevisor-guest-iso-test-").FullName;
        try
        {
            string kernel = Path.Combine(directory, "kernel.elf");
            File.WriteAllBytes(kernel, [0x7F, (byte)'E', (byte)'L', (byte)'F']);
            var guests = new[] { TestGuests.RealModeCpuid(), TestGuests.LongMode(), PlatformGuest.Kernel() };
            string iso = Path.Combine(directory, "out", "guests.iso");
            GuestIso.Build(kernel, guests, iso);
            Assert.True(new FileInfo(iso).Length > 1 << 20);

            string extracted = Path.Combine(directory, "x");
            Directory.CreateDirectory(extracted);
            Xorriso(iso, "/boot/grub/grub.cfg", Path.Combine(extracted, "grub.cfg"));
            Xorriso(iso, "/boot/long64.bin", Path.Combine(extracted, "long64.bin"));
            Xorriso(iso, "/boot/platform.bin", Path.Combine(extracted, "platform.bin"));
            Xorriso(iso, "/boot/vms.conf", Path.Combine(extracted, "vms.conf"));
            Assert.Equal(GuestIso.GrubConfig(guests), File.ReadAllText(Path.Combine(extracted, "grub.cfg")));
            Assert.Equal(guests[1].Bytes, File.ReadAllBytes(Path.Combine(extracted, "long64.bin")));
            Assert.Equal(guests[2].Bytes, File.ReadAllBytes(Path.Combine(extracted, "platform.bin")));
            Assert.Equal(GuestIso.Configuration(guests), File.ReadAllText(Path.Combine(extracted, "vms.conf")));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void AMissingKernelIsAnError() =>
        Assert.Throws<FileNotFoundException>(() => GuestIso.Build("/nonexistent/barevisor.elf", [TestGuests.HaltWithInterruptsDisabled()], "/tmp/never.iso"));

    private static void Xorriso(string iso, string path, string destination)
    {
        var info = new ProcessStartInfo("xorriso") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in new[] { "-osirrox", "on", "-indev", iso, "-extract", path, destination })
            info.ArgumentList.Add(arg);
        using Process process = Process.Start(info);
        process.StandardOutput.ReadToEnd();
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"xorriso -extract {path} failed: {errors}");
    }
}
