// Host side. What the kernel does with its configuration module, whatever the medium: booted by
// QEMU's own Multiboot loader (-kernel, -initrd "file name,..."), which is the fastest way in.
// A bad VM is refused with its line and field while the good one stays ready; a VM whose module is
// missing is not started; no configuration module, or garbage in it, never stops the boot.
using System.IO;
using System.Threading.Tasks;
using BareVisor.BootMediaTests.Infrastructure;
using BareVisor.Emulators;
using Xunit;
using Xunit.Abstractions;

namespace BareVisor.BootMediaTests;

[Collection(EmulatorCollections.Qemu)]
public sealed class ConfigModuleTests(ITestOutputHelper log)
{
    private const string MixedConfig = """
        [vm good]
        kernel = guests/stand-in.bin
        memory = 32M

        [vm bad]
        kernel = guests/stand-in.bin
        memory = 512

        [vm lost]
        kernel = guests/stand-in.bin
        initrd = guests/missing.img
        memory = 32M
        """;

    private static async Task<BootCheck> Boot(string configText, ITestOutputHelper log, bool withGuest = true, string configName = "config")
    {
        string directory = Directory.CreateTempSubdirectory("barevisor-modules-").FullName;
        try
        {
            string config = TestMedia.WriteInputs(directory, configText);
            string guest = Path.Combine(directory, "input", TestMedia.GuestPath);
            string modules = $"{config} {configName}" + (withGuest ? $",{guest} {TestMedia.GuestPath}" : "");
            EmulatorRun run = Machines.Qemu(Firmware.Bios, BootSource.Kernel(Artifacts.Kernel), timeoutSeconds: 30)
                with { ExtraArgs = ["-initrd", modules] };
            return await BootCheck.BootAsync(run, log);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task ABadVmIsRefusedWithItsLineAndTheOthersStay()
    {
        BootCheck check = await Boot(MixedConfig, log);
        check.Line("^config: 2 VMs configured, 1 rejected$");
        check.Line(@"^config: line 7: memory: '512' has no unit; write 512M for MiB \(units K, M, G\); vm bad not started$");
        check.Line("^config: vm good ready: Multiboot1");
        check.ReportedNoVtx();
        check.PoweredOffAndClean();
    }

    [Fact]
    public async Task AVmWhoseModuleIsMissingIsNotStarted()
    {
        BootCheck check = await Boot(MixedConfig, log);
        check.Line("^config: vm lost: initrd module guests/missing.img missing; vm lost not started$");
        check.Line("^config: vm lost: kernel module guests/stand-in.bin present, 8 KiB$");
        check.PoweredOffAndClean();
    }

    [Fact]
    public async Task WithoutAConfigModuleNoVmsStart()
    {
        BootCheck check = await Boot(TestMedia.Config, log, withGuest: true, configName: "not-the-config");
        check.Line("^config: no configuration module; no VMs to start$");
        check.ReportedNoVtx();
        check.PoweredOffAndClean();
    }

    [Fact]
    public async Task GarbageInTheConfigModuleIsReportedNotFatal()
    {
        BootCheck check = await Boot("\u0001\u0002\u0003\n[vm x\nkernel\n\u00ff\u00fe", log);
        check.Line("^config: 0 VMs configured, 1 rejected$");
        check.Line("^config: line 1: syntax: column 1 holds character 0x1; the file must be printable ASCII$");
        check.PoweredOffAndClean();
    }
}
