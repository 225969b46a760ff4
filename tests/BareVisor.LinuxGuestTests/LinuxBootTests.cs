// Host side. Debian's Linux kernel boots under BareVisor in Bochs to the busybox shell of the
// default guest's initramfs, takes commands typed on the serial line, and powers off. One boot
// (LinuxBootFixture); each test checks one stage of it.
using System;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using BareVisor.Emulators;
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

    /// <summary>
    /// The kernel runs on BareVisor's PC: its ACPI tables at 0xE0000, interrupts through the I/O
    /// APIC, and the TSC frequency BareVisor measured (CPUID 0x15/0x16), not the CPU's nominal one.
    /// </summary>
    [Fact]
    public void TheKernelUsesBareVisorsAcpiTablesApicsAndTscFrequency()
    {
        Boot.ExpectLine(@"^ACPI: RSDP 0x00000000000E0000 \w+ \(v02 BAREVI\)$", "the kernel did not find BareVisor's RSDP");
        Boot.ExpectLine(@"^IOAPIC\[0\]: apic_id 0, version 32, address 0xfec00000, GSI 0-23$", "the kernel found no I/O APIC");
        Boot.ExpectLine(@"^ACPI: Using IOAPIC for interrupt routing$", "the kernel does not route interrupts through the I/O APIC");
        Boot.ExpectLine(@"^TSC deadline timer available$", "the kernel did not take the TSC-deadline timer");
        string host = Boot.ExpectLine(@"^clock: TSC at \d+ MHz", "BareVisor did not report its TSC frequency");
        string guest = Boot.ExpectLine(@"^tsc: Detected \d+\.\d+ MHz processor$", "the kernel did not report its TSC frequency");
        string hostMhz = Regex.Match(host, @"TSC at (\d+) MHz").Groups[1].Value;
        string guestMhz = Regex.Match(guest, @"Detected (\d+)\.").Groups[1].Value;
        Boot.Expect(hostMhz == guestMhz, $"BareVisor measured {hostMhz} MHz but the guest believes {guestMhz} MHz");
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

    [Fact]
    public void TheShellRunsATypedCommand()
    {
        var output = Boot.OutputOf(GuestShell.Arithmetic);
        Boot.Expect(output.SequenceEqual(["42-ok"]), $"`{GuestShell.Arithmetic}` printed: {string.Join(" | ", output)}");
    }

    [Fact]
    public void LinuxSeesTheHypervisorCpuidBit()
    {
        var output = Boot.OutputOf(GuestShell.HypervisorBit);
        Boot.Expect(output.SequenceEqual(["1"]), $"`{GuestShell.HypervisorBit}` printed: {string.Join(" | ", output)} (expected 1: one CPU, with the hypervisor flag)");
    }

    [Fact]
    public void TheKernelLogHasNoAcpiOrTimerProblems()
    {
        foreach (string command in GuestShell.PatternCommands())
        {
            var said = Boot.OutputOf(command);
            Boot.Expect(said.Count == 0, $"`{command}` printed: {string.Join(" | ", said)}");
        }
        var pattern = Boot.OutputOf(GuestShell.ShowPattern);
        Boot.Expect(pattern.SequenceEqual(["p=" + GuestShell.Pattern]), $"the shell built the pattern {string.Join(" | ", pattern)}, expected p={GuestShell.Pattern}");

        var output = Boot.OutputOf(GuestShell.KernelLogProblems);
        Match length = Regex.Match(output.FirstOrDefault() ?? "", @"^dmesg (\d+)$");
        Boot.Expect(length.Success && output[^1] == "dmesg end", $"`{GuestShell.KernelLogProblems}` printed: {string.Join(" | ", output)}");
        // The boot alone logs about 300 lines; a log this short is not the kernel's.
        int lines = int.Parse(length.Groups[1].Value, CultureInfo.InvariantCulture);
        Boot.Expect(lines >= 100, $"dmesg has only {lines} lines");
        var problems = output.Skip(1).Take(output.Count - 2).ToList();
        Boot.Expect(problems.Count == 0, $"the kernel log reports ACPI or timer problems:\n{string.Join('\n', problems)}");
    }

    [Fact]
    public void PoweroffStopsTheGuestThroughAcpiAndBareVisorReportsItsExits()
    {
        var reply = Boot.ReplyTo(GuestShell.PowerOff);
        string prefix = $"vm {DefaultGuest.VmName}: ";
        // The kernel powers off through the FADT's PM1a control block (SLP_TYP = \_S5, SLP_EN).
        int stopped = reply.ToList().FindIndex(l => l == prefix + "stopped: powered off through ACPI (S5)");
        int exits = reply.ToList().FindIndex(l => Regex.IsMatch(l, GuestShell.ExitReport + @"\w+ \d+(, \w+ \d+)*$"));
        Boot.Expect(stopped >= 0, $"BareVisor did not say the VM stopped after `{GuestShell.PowerOff}`: {string.Join(" | ", reply)}");
        Boot.Expect(exits > stopped, $"no exit counts after the VM stopped: {string.Join(" | ", reply)}");
        var problems = PowerOffCheck.Problems(Boot.Result, ExpectedEnd.PowerOff);
        Boot.Expect(problems.Count == 0, $"BareVisor did not power off after its only guest stopped: {string.Join("; ", problems)}");
    }

    /// <summary>Measures the run: wall time, Bochs ticks, the guest's clock when the shell starts, and when each reply came.</summary>
    [Fact]
    public void BootTimeIsReported()
    {
        LinuxBoot boot = Boot;
        string F(double? seconds) => seconds?.ToString("F2", CultureInfo.InvariantCulture) ?? "?";
        output.WriteLine($"guest build (packages cached or fetched, initramfs, ISO): {boot.BuildTime.TotalSeconds:F1} s; initrd {boot.Build.InitrdBytes:N0} bytes; kernel {boot.Build.DebianKernelFile}");
        output.WriteLine($"Bochs: {boot.Result.End} after {boot.Result.WallTime.TotalSeconds:F1} s wall, {boot.Result.BochsTicks?.ToString("N0", CultureInfo.InvariantCulture) ?? "unknown"} ticks");
        output.WriteLine($"guest clock at the shell: uptime {F(boot.GuestUptimeAtShell())} s (rcS), last kernel line before the prompt at {F(boot.LastKernelTimestamp())} s");
        output.WriteLine($"BareVisor's last line before the prompt at {F(boot.LastBareVisorTimestamp())} s of its clock");
        ConversationLog conversation = boot.Result.Conversation;
        for (int step = 0; step < conversation.MatchedAt.Count; step++)
        {
            TimeSpan previous = step == 0 ? TimeSpan.Zero : conversation.MatchedAt[step - 1];
            string after = step == 0 ? "the start" : $"typing \"{conversation.Steps[step - 1].Send.TrimEnd('\r')}\"";
            output.WriteLine($"{conversation.MatchedAt[step].TotalSeconds,6:F1} s wall: {conversation.Steps[step].Expect} came {(conversation.MatchedAt[step] - previous).TotalSeconds:F1} s after {after}");
        }
        output.WriteLine("(the Bochs ticks are the whole run's: boot, commands and power-off)");
        boot.Expect(boot.ReachedPrompt, "no shell prompt, so no boot time");
        boot.Expect(boot.Result.BochsTicks != null, "Bochs did not report its tick count when it was stopped (see its console output in the run directory)");
    }
}
