// Host side. Debian's Linux kernel boots under BareVisor in Bochs to the busybox shell of the
// default guest's initramfs. One boot (LinuxBootFixture); each test checks one stage of it.
using System.Globalization;
using System.Linq;
using BareVisor.LinuxGuest;
using BareVisor.LinuxGuestTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace BareVisor.LinuxGuestTests;

public sealed class LinuxBootTests(LinuxBootFixture fixture, ITestOutputHelper output) : IClassFixture<LinuxBootFixture>
{
    private const ulong MiB = 1UL << 20;

    private LinuxBoot Boot => fixture.Boot;

    [Fact]
    public void BareVisorStartsTheVmFromTheBzImage() =>
        Boot.ExpectLine($@"^vm {DefaultGuest.VmName}: starting \(long mode, bzImage\)$", "BareVisor did not start the VM");

    [Fact]
    public void TheDebianKernelPrintsItsVersion() =>
        Boot.ExpectLine(@"^Linux version 6\.1\.", "the kernel printed no banner");

    [Fact]
    public void TheKernelsE820MapHasTheConfiguredRam()
    {
        Boot.ExpectLine(@"^BIOS-provided physical RAM map:$", "the kernel printed no e820 map");
        var usable = Boot.UsableRam();
        Boot.Expect(usable.Count > 0, "the e820 map has no usable range");
        ulong total = usable.Aggregate(0UL, (sum, range) => sum + (range.End - range.Start));
        ulong top = usable.Max(range => range.End);
        string ranges = string.Join(", ", usable.Select(r => $"0x{r.Start:x}-0x{r.End - 1:x}"));
        // 256 MiB of guest RAM: the usable ranges end exactly there; below 1 MiB the legacy holes
        // (EBDA, BIOS area) may be reserved, but not more than that.
        Boot.Expect(top == DefaultGuest.MemoryMiB * MiB, $"usable RAM ends at 0x{top:x}, expected 0x{DefaultGuest.MemoryMiB * MiB:x} ({ranges})");
        Boot.Expect(total >= (DefaultGuest.MemoryMiB - 1) * MiB && total <= DefaultGuest.MemoryMiB * MiB,
                    $"usable RAM is {total} bytes ({total / (double)MiB:F2} MiB), expected between {DefaultGuest.MemoryMiB - 1} and {DefaultGuest.MemoryMiB} MiB ({ranges})");
    }

    [Fact]
    public void TheInitramfsPrintsItsBanner() =>
        Boot.ExpectLine($"^{Initramfs.Banner}$", "the initramfs's rcS did not finish");

    [Fact]
    public void TheShellPromptAppears()
    {
        Boot.Expect(Boot.ReachedPrompt, $"no shell prompt \"{Initramfs.Prompt}\" (the run ended: {Boot.Result.End})");
        Boot.Expect(!Boot.Result.TimedOut || Boot.ReachedPrompt, $"the run hit its {LinuxBootFixture.Limit.TotalSeconds:F0} s limit");
    }

    [Fact]
    public void TheKernelDoesNotPanic()
    {
        string panic = Boot.Lines.FirstOrDefault(l => l.Contains("Kernel panic"));
        Boot.Expect(panic == null, $"the kernel panicked: {panic}");
    }

    /// <summary>Measures the boot: wall time, Bochs ticks, and the guest's clock when the shell starts.</summary>
    [Fact]
    public void BootTimeIsReported()
    {
        LinuxBoot boot = Boot;
        string F(double? seconds) => seconds?.ToString("F2", CultureInfo.InvariantCulture) ?? "?";
        output.WriteLine($"guest build (packages cached or fetched, initramfs, ISO): {boot.BuildTime.TotalSeconds:F1} s; initrd {boot.Build.InitrdBytes:N0} bytes; kernel {boot.Build.DebianKernelFile}");
        output.WriteLine($"Bochs: {boot.Result.End} after {boot.Result.WallTime.TotalSeconds:F1} s wall, {boot.Result.BochsTicks?.ToString("N0", CultureInfo.InvariantCulture) ?? "unknown"} ticks");
        output.WriteLine($"guest clock at the shell: uptime {F(boot.GuestUptimeAtShell())} s (rcS), last kernel line before the prompt at {F(boot.LastKernelTimestamp())} s");
        output.WriteLine($"BareVisor's last line before the prompt at {F(boot.LastBareVisorTimestamp())} s of its clock");
        boot.Expect(boot.ReachedPrompt, "no shell prompt, so no boot time");
        boot.Expect(boot.Result.BochsTicks != null, "Bochs did not report its tick count when it was stopped (see its console output in the run directory)");
    }
}
