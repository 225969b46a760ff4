// Host side. The QEMU command line: the devices the kernel relies on, a private OVMF variable
// store per run, and the Multiboot1 loader for kernel ELFs.
using System.IO;
using System.Linq;
using BareVisor.Emulators;
using Xunit;

namespace BareVisor.IntegrationTests.Harness;

public sealed class QemuLaunchTests : System.IDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("barevisor-qemu-args-");

    public void Dispose() => directory.Delete(recursive: true);

    [Fact]
    public void UefiRunUsesReadOnlyCodeAndAPrivateCopyOfTheVariables()
    {
        var run = new EmulatorRun { Firmware = Firmware.Uefi, Boot = BootSource.Iso("/nonexistent/barevisor.iso"), Cpus = 2 };
        string args = string.Join(' ', QemuLaunch.Prepare(run, directory.FullName, "127.0.0.1:40123").Arguments);
        Assert.Contains("-drive if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd", args);
        Assert.Contains("-drive if=pflash,format=raw,file=ovmf-vars.fd", args);
        Assert.True(File.Exists(Path.Combine(directory.FullName, "ovmf-vars.fd")));
        Assert.Contains("-cdrom boot.iso", args);
        Assert.Contains("-m 512 -smp 2", args);
    }

    [Fact]
    public void EveryRunIsHeadlessAndCanPowerOff()
    {
        var run = new EmulatorRun { Boot = BootSource.Iso("/nonexistent/barevisor.iso") };
        var args = QemuLaunch.Prepare(run, directory.FullName, "127.0.0.1:40123").Arguments;
        Assert.Contains("isa-debug-exit,iobase=0xf4,iosize=0x04", args);
        Assert.Contains("-no-reboot", args);
        Assert.Equal("none", args[args.ToList().IndexOf("-display") + 1]);
        Assert.Equal("tcp:127.0.0.1:40123", args[args.ToList().IndexOf("-serial") + 1]);
    }

    [Fact]
    public void KernelRunUsesTheMultibootLoaderWithTheCommandLine()
    {
        var run = new EmulatorRun { Boot = BootSource.Kernel("/nonexistent/barevisor.elf", "fault=throw") };
        string args = string.Join(' ', QemuLaunch.Prepare(run, directory.FullName, "127.0.0.1:40123").Arguments);
        Assert.Contains("-kernel /nonexistent/barevisor.elf -append fault=throw", args);
        Assert.DoesNotContain("-cdrom", args);
    }
}
