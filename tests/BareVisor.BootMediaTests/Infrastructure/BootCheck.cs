// Host side. What every boot path must show on COM1: BareVisor started, found and parsed its
// configuration, found the guest's module, reported the VT-x situation, and powered off (the
// power-off ending the emulator, no panic). A failure carries the whole serial log, the emulator
// log and the command line; a run whose checks all pass deletes its directory.
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using BareVisor.Emulators;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace BareVisor.BootMediaTests.Infrastructure;

public sealed class BootCheck
{
    public const string Banner = @"^BareVisor \d+\.\d+\.\d+ on x86-64$";
    // QEMU TCG's `-cpu max` (QemuLaunch) is an AMD CPU with SVM and the hypervisor bit, no VMX.
    public const string NoVtx = @"^BareVisor: VT-x not available: CPU has no VMX \(CPUID\.1:ECX\.VMX = 0\); this is an AMD CPU \(AMD SVM present\); running under a hypervisor that does not expose VMX$";
    public const string VtxUsable = "^vmx: VT-x usable";

    private readonly EmulatorResult result;

    private BootCheck(EmulatorResult result, ITestOutputHelper log)
    {
        this.result = result;
        log.WriteLine($"{result.Run.Describe()}: {result.End} after {result.WallTime.TotalSeconds:F1} s");
    }

    /// <summary>Runs <paramref name="run"/> and checks that BareVisor started.</summary>
    public static async Task<BootCheck> BootAsync(EmulatorRun run, ITestOutputHelper log)
    {
        var check = new BootCheck(await EmulatorSession.RunAsync(run), log);
        check.Booted();
        return check;
    }

    /// <summary>
    /// The whole path of one medium in QEMU TCG: BareVisor starts, loaded through
    /// <paramref name="protocol"/> by <paramref name="loaderPattern"/>, finds the test
    /// configuration, reports that there is no VT-x (TCG has none) and powers off.
    /// </summary>
    public static async Task QemuBootsMedium(Firmware firmware, BootSource medium, string protocol, string loaderPattern, ITestOutputHelper log)
    {
        BootCheck check = await BootAsync(Machines.Qemu(firmware, medium), log);
        check.LoadedBy(protocol, loaderPattern);
        check.FoundConfig();
        check.ReportedNoVtx();
        check.PoweredOffAndClean();
    }

    /// <summary>The line matching pattern; fails the test if there is none.</summary>
    public string Line(string pattern)
    {
        var regex = new Regex(pattern);
        string line = result.SerialLines.FirstOrDefault(l => regex.IsMatch(l));
        if (line == null)
            Fail($"no serial line matches /{pattern}/");
        return line;
    }

    public void Booted() => Line(Banner);

    /// <summary>The test configuration's one VM was found, is valid, its guest module present and loadable.</summary>
    public void FoundConfig()
    {
        Line("^config: 1 VMs configured, 0 rejected$");
        Line($"^config: vm {TestMedia.VmName}: kernel {Regex.Escape(TestMedia.GuestPath)}, 64 MiB, 1 vCPUs$");
        Line($"^config: vm {TestMedia.VmName}: cmdline \"console=ttyS0\"$");
        Line($"^config: vm {TestMedia.VmName}: kernel module {Regex.Escape(TestMedia.GuestPath)} present, 8 KiB$");
        Line($"^config: vm {TestMedia.VmName} ready: Multiboot1");
    }

    public void LoadedBy(string protocol, string loaderPattern) =>
        Line($"^boot: {protocol} from \"{loaderPattern}");

    public void ReportedNoVtx() => Line(NoVtx);

    /// <summary>BareVisor's power-off ended the emulator, without a panic (<see cref="PowerOffCheck"/>); then the run's directory is deleted.</summary>
    public void PoweredOffAndClean()
    {
        var problems = PowerOffCheck.Problems(result, ExpectedEnd.PowerOff);
        if (problems.Count != 0)
            Fail($"the run did not end through BareVisor's power-off: {string.Join("; ", problems)}");
        result.DeleteRunDirectory();
    }

    private void Fail(string what) =>
        throw new XunitException($"{result.Run.Describe()}: {what}\n\n{result.Report()}");
}
