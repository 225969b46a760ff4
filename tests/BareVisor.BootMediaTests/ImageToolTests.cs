// Host side. barevisor-image's command line and input checks: every missing or wrong input is
// named (with line numbers for configuration errors) and nothing is written.
using System.IO;
using BareVisor.BootMediaTests.Infrastructure;
using BareVisor.ImageTool;
using Xunit;

namespace BareVisor.BootMediaTests;

public sealed class ImageToolTests : System.IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("barevisor-imagetool-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private string Out(string name) => Path.Combine(directory, name);

    [Fact]
    public void HelpNamesEveryCommand()
    {
        var (exit, stdout, _) = TestMedia.RunTool("--help");
        Assert.Equal(ExitCodes.Success, exit);
        foreach (string command in new[] { "iso", "usb", "pxe", "check", "--config", "--kernel", "--out" })
            Assert.Contains(command, stdout);
        Assert.Equal(ExitCodes.Usage, TestMedia.RunTool().Exit);
        Assert.Equal(ExitCodes.Success, TestMedia.RunTool("usb", "--help").Exit);
    }

    [Theory]
    [InlineData("unknown option '--confg'", "iso", "--confg", "x")]
    [InlineData("unknown command 'floppy'", "floppy", "--config", "x")]
    [InlineData("--out is required", "iso", "--config", "x")]
    [InlineData("--config needs a value", "iso", "--config")]
    [InlineData("--size applies to usb images only", "iso", "--config", "x", "--out", "y", "--size", "1G")]
    [InlineData("--cmdline contains '$'", "iso", "--config", "x", "--out", "y", "--cmdline", "a=$b")]
    public void UsageErrors(string message, params string[] args)
    {
        var (exit, _, stderr) = TestMedia.RunTool(args);
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains(message, stderr);
    }

    [Fact]
    public void AMissingConfigIsNamed()
    {
        var (exit, _, stderr) = TestMedia.RunTool("iso", "--config", Out("nope.conf"), "--kernel", Artifacts.Kernel, "--out", Out("x.iso"));
        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains($"configuration '{Out("nope.conf")}' not found", stderr);
        Assert.False(File.Exists(Out("x.iso")));
    }

    [Fact]
    public void AMissingKernelIsNamed()
    {
        string config = TestMedia.WriteInputs(directory);
        var (exit, _, stderr) = TestMedia.RunTool("usb", "--config", config, "--kernel", Out("no.elf"), "--out", Out("x.img"));
        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains($"kernel '{Out("no.elf")}' not found", stderr);
        Assert.False(File.Exists(Out("x.img")));
    }

    [Fact]
    public void AFileThatIsNotAKernelIsRefused()
    {
        string config = TestMedia.WriteInputs(directory);
        var (exit, _, stderr) = TestMedia.RunTool("pxe", "--config", config, "--kernel", config, "--out", Out("pxe"));
        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("is not an ELF file", stderr);
    }

    [Fact]
    public void MissingGuestFilesAreNamedWithWhereTheToolLooked()
    {
        string config = TestMedia.WriteInputs(directory, TestMedia.Config + "\ninitrd = guests/initrd.img\n");
        var (exit, _, stderr) = TestMedia.RunTool("iso", "--config", config, "--kernel", Artifacts.Kernel, "--out", Out("x.iso"));
        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("vm test: initrd 'guests/initrd.img' not found (looked for " + Path.Combine(directory, "input", "guests", "initrd.img") + ")", stderr);
        Assert.Contains("nothing was written", stderr);
        Assert.False(File.Exists(Out("x.iso")));
    }

    [Fact]
    public void ConfigErrorsAreListedWithLineNumbers()
    {
        string config = TestMedia.WriteInputs(directory, TestMedia.Config + "\nvcpus = 2\n[vm other]\nkernel = k\nmemory = 3X\n");
        var (exit, _, stderr) = TestMedia.RunTool("usb", "--config", config, "--kernel", Artifacts.Kernel, "--out", Out("x.img"));
        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("has 2 error(s)", stderr);
        Assert.Contains(config + ": line 7: vcpus: set twice (first on line 5); vm test not started", stderr);
        Assert.Contains(config + ": line 10: memory: '3X' has an unknown unit", stderr);
    }

    [Fact]
    public void CheckPrintsWhatBareVisorWillSee()
    {
        string config = TestMedia.WriteInputs(directory);
        var (exit, stdout, _) = TestMedia.RunTool("check", "--config", config);
        Assert.Equal(ExitCodes.Success, exit);
        Assert.Contains("1 VMs configured, 0 rejected", stdout);
        Assert.Contains("  vm test: kernel guests/stand-in.bin, 64 MiB, 1 vCPUs" + System.Environment.NewLine, stdout);
        Assert.Contains("module guests/stand-in.bin:", stdout);
    }

    [Fact]
    public void PxeRefusesMoreModulesThanIpxeCanPass()
    {
        var config = new System.Text.StringBuilder();
        for (int i = 0; i < PxeLayout.IpxeMaxModules; i++)
            config.Append($"[vm v{i}]\nkernel = guests/k{i}\nmemory = 1M\n");
        string path = TestMedia.WriteInputs(directory, config.ToString());
        for (int i = 0; i < PxeLayout.IpxeMaxModules; i++)
            File.WriteAllText(Path.Combine(directory, "input", "guests", $"k{i}"), "x");
        var (exit, _, stderr) = TestMedia.RunTool("pxe", "--config", path, "--kernel", Artifacts.Kernel, "--out", Out("pxe"));
        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("iPXE's Multiboot loader takes at most 8 modules; this configuration needs 9", stderr);
    }

    [Fact]
    public void PxeDirectoryHoldsTheScriptsAndFiles()
    {
        string config = TestMedia.WriteInputs(directory);
        var (exit, stdout, stderr) = TestMedia.RunTool("pxe", "--config", config, "--kernel", Artifacts.Kernel, "--out", Out("pxe"), "--cmdline", "loglevel=debug");
        Assert.True(exit == 0, stdout + stderr);
        foreach (string file in new[] { "boot.ipxe", "grubx64.efi", "grub.cfg", "barevisor.elf", "vms.conf", "guests/stand-in.bin" })
            Assert.True(File.Exists(Path.Combine(Out("pxe"), file)), file + " is missing");
        string script = File.ReadAllText(Path.Combine(Out("pxe"), "boot.ipxe"));
        Assert.StartsWith("#!ipxe\n", script);
        Assert.Contains("\nkernel barevisor.elf loglevel=debug\nmodule vms.conf config\nmodule guests/stand-in.bin guests/stand-in.bin\nboot\n", script);
        string grub = File.ReadAllText(Path.Combine(Out("pxe"), "grub.cfg"));
        Assert.Contains("multiboot2 $prefix/barevisor.elf loglevel=debug\n    module2 $prefix/vms.conf config\n", grub);
    }

    [Fact]
    public void GuestFilesWithTheSameNameDoNotCollide()
    {
        string config = TestMedia.WriteInputs(directory, "[vm a]\nkernel = one/vmlinuz\nmemory = 1M\n[vm b]\nkernel = two/VMLINUZ\nmemory = 1M\n[vm c]\nkernel = one/vmlinuz\nmemory = 1M\n");
        foreach (string path in new[] { "one/vmlinuz", "two/VMLINUZ" })
        {
            Directory.CreateDirectory(Path.Combine(directory, "input", Path.GetDirectoryName(path)));
            File.WriteAllText(Path.Combine(directory, "input", path), path);
        }
        var (exit, stdout, stderr) = TestMedia.RunTool("pxe", "--config", config, "--kernel", Artifacts.Kernel, "--out", Out("pxe"));
        Assert.True(exit == 0, stdout + stderr);
        string script = File.ReadAllText(Path.Combine(Out("pxe"), "boot.ipxe"));
        Assert.Contains("module guests/vmlinuz one/vmlinuz\nmodule guests/2-VMLINUZ two/VMLINUZ\nboot", script);
    }
}
