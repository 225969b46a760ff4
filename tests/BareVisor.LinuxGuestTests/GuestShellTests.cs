// Host side. The commands the Linux tests type into the guest, checked with the host's own shell
// and grep before any emulator runs: the lines fit the terminal, the assignments build the
// intended pattern, and the pattern catches the kernel's real complaints about ACPI and timers
// while passing the lines a healthy boot under BareVisor prints. Fast: no emulator.
using System.Diagnostics;
using System.Linq;
using BareVisor.LinuxGuest;
using BareVisor.LinuxGuestTests.Infrastructure;
using Xunit;

namespace BareVisor.LinuxGuestTests;

public sealed class GuestShellTests
{
    // Messages as the kernel prints them (ACPICA, arch/x86/kernel/apic, tsc.c, clocksource, irq/spurious.c).
    private static readonly string[] Problems =
    [
        "ACPI Error: AE_NOT_FOUND, While resolving a named reference package element - \\_SB_.PCI0 (20220331/dspkginit-438)",
        "ACPI Warning: SystemIO range 0x0000000000000428-0x000000000000042F conflicts with OpRegion",
        "ACPI BIOS Error (bug): Could not resolve symbol [\\_SB.PCI0.LPCB], AE_NOT_FOUND (20220331/psargs-330)",
        "ACPI Exception: AE_NOT_FOUND, Evaluating _DSM (20220331/nsxfeval-289)",
        "..MP-BIOS bug: 8254 timer not connected to IO-APIC",
        "..timer doesn't work through Interrupt-remapped IO-APIC",
        "APIC calibration not consistent with PM-Timer: 90ms instead of 100ms",
        "TSC found unstable after boot, most likely due to broken BIOS. Use 'tsc=unstable'.",
        "clocksource: timekeeping watchdog on CPU0: Marking clocksource 'tsc' as unstable because the skew is too large:",
        "tsc: Marking TSC unstable due to clocksource watchdog",
        "irq 9: nobody cared (try booting with the \"irqpoll\" option)",
    ];

    // Lines of a healthy boot today (acpi=off noapic nolapic), which must pass.
    private static readonly string[] Healthy =
    [
        "ACPI: MPS support code is not built-in, using acpi=off or acpi=noirq or pci=noacpi may have problem",
        "ACPI: Interpreter disabled.",
        "No local APIC present",
        "APIC: Keep in PIC mode(8259)",
        "tsc: Detected 3499.912 MHz TSC",
        "clocksource: tsc-early: mask: 0xffffffffffffffff max_cycles: 0x3272fd97217, max_idle_ns: 440795241220 ns",
        "clocksource: Switched to clocksource tsc",
        "sched_clock: Marking stable (17464003095, -15652988)->(168712345, 17279637762)",
    ];

    private static string Shell(string script, string input)
    {
        var info = new ProcessStartInfo("sh") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(script);
        using Process sh = Process.Start(info);
        sh.StandardInput.Write(input);
        sh.StandardInput.Close();
        string output = sh.StandardOutput.ReadToEnd();
        sh.WaitForExit();
        Assert.Equal(0, sh.ExitCode);
        return output;
    }

    [Fact]
    public void EveryTypedLineFitsTheTerminalWithThePrompt()
    {
        var typed = GuestShell.Conversation(System.TimeSpan.FromSeconds(1)).Select(step => step.Send).Where(text => text.Length != 0).ToList();
        Assert.Equal(GuestShell.PatternCommands().Count + 5, typed.Count);
        Assert.All(typed, text => Assert.True(Initramfs.Prompt.Length + text.Length < 80, $"{text.Length} characters: {text}"));
        Assert.All(typed, text => Assert.EndsWith("\r", text));
    }

    [Fact]
    public void TheAssignmentsBuildThePatternInARealShell()
    {
        string script = string.Join('\n', GuestShell.PatternCommands()) + "\nprintf '%s\\n' \"$p\"";
        Assert.Equal(GuestShell.Pattern + "\n", Shell(script, ""));
    }

    [Fact]
    public void ThePatternCatchesTheKernelsComplaintsAndPassesAHealthyBoot()
    {
        string script = string.Join('\n', GuestShell.PatternCommands()) + "\ngrep -iE \"$p\" || true";
        string input = string.Join('\n', Problems.Concat(Healthy)) + "\n";
        Assert.Equal(string.Join('\n', Problems) + "\n", Shell(script, input));
    }
}
