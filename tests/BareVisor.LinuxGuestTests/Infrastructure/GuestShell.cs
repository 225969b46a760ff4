// Host side. What the Linux tests type into the guest's shell once its prompt is up, in one
// conversation over COM1 (BareVisor passes what arrives on its serial line to the guest's UART):
// a command whose answer proves it ran, the CPUID hypervisor bit as Linux sees it, the kernel log
// filtered for ACPI and timer trouble, and a power-off. Every typed line stays under 80 columns
// with the prompt, so the shell's line editor never wraps (and redraws) it.
using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;
using BareVisor.Emulators;
using BareVisor.LinuxGuest;

namespace BareVisor.LinuxGuestTests.Infrastructure;

public static class GuestShell
{
    /// <summary>The prompt alone on its line, as a cleaned serial line: the shell waits for a command.</summary>
    public static readonly string Prompt = "^" + Regex.Escape(Initramfs.Prompt.TrimEnd()) + "$";

    /// <summary>Answers "42-ok": the shell evaluated it; its echo ("$((6*7))") cannot pass for the answer.</summary>
    public const string Arithmetic = "echo $((6*7))-ok";

    /// <summary>Counts the CPUs whose flags include "hypervisor" (CPUID.1:ECX[31], which BareVisor sets).</summary>
    public const string HypervisorBit = "grep -c -w hypervisor /proc/cpuinfo";

    /// <summary>
    /// Extended regular expressions (grep -iE; the same in .NET) for kernel messages about broken
    /// ACPI tables, timers and interrupt routing: ACPICA's errors, warnings, exceptions and
    /// firmware-bug reports, the IO-APIC timer checks, the local APIC calibration check, the TSC or
    /// a clocksource found unstable, and an interrupt nobody handled. No quote, dollar or backslash:
    /// they are typed inside shell quotes.
    /// </summary>
    public static readonly string[] KernelProblems =
    [
        "ACPI (Error|Warning|BIOS|Exception)",
        "timer doesn.t work",
        "MP-BIOS bug",
        "APIC calibration",
        "TSC.*unstable",
        "clocksource.*unstable",
        "Marking TSC",
        "IRQ .* nobody cared",
    ];

    /// <summary>Shows the pattern the shell put together, so that a garbled one cannot make the log check pass.</summary>
    public const string ShowPattern = "echo \"p=$p\"";

    /// <summary>
    /// Prints "dmesg N" (the kernel log's length, so an empty log cannot pass), the log's lines
    /// that match $p (case-insensitive: the kernel says "irq 9: nobody cared"), and "dmesg end".
    /// </summary>
    public const string KernelLogProblems = "echo dmesg $(dmesg|wc -l); dmesg|grep -iE \"$p\"; echo dmesg end";

    /// <summary>
    /// busybox init's shutdown (SIGTERM, SIGKILL, two seconds of guest time), then the kernel's
    /// ACPI S5 write, which ends the guest.
    /// </summary>
    public const string PowerOff = "poweroff";

    /// <summary>BareVisor's report once the guest stopped: its last line about the VM.</summary>
    public static readonly string ExitReport = "^vm " + DefaultGuest.VmName + ": exits: ";

    /// <summary>Each of these commands answers in a few seconds; the margin is for loaded build machines.</summary>
    public static readonly TimeSpan CommandLimit = TimeSpan.FromSeconds(120);

    /// <summary>$p as the shell holds it after <see cref="PatternCommands"/>.</summary>
    public static string Pattern => string.Join('|', KernelProblems);

    /// <summary>Shell assignments that build $p from <see cref="KernelProblems"/>, each line short enough not to wrap.</summary>
    public static IReadOnlyList<string> PatternCommands()
    {
        const int MaxLine = 64;
        var commands = new List<string>();
        string line = "";
        foreach (string problem in KernelProblems)
        {
            if (line.Length != 0 && line.Length + problem.Length + 2 > MaxLine)
            {
                commands.Add(line + (commands.Count == 0 ? "'" : "\""));
                line = "";
            }
            line = line.Length != 0 ? line + "|" + problem
                 : commands.Count == 0 ? "p='" + problem
                 : "p=\"$p|" + problem;
        }
        commands.Add(line + (commands.Count == 0 ? "'" : "\""));
        return commands;
    }

    /// <summary>Every command typed at a prompt (the first prompt gets the whole boot), then the wait for BareVisor's exit report.</summary>
    public static IReadOnlyList<ConversationStep> Conversation(TimeSpan bootLimit)
    {
        var commands = new List<string> { Arithmetic, HypervisorBit };
        commands.AddRange(PatternCommands());
        commands.Add(ShowPattern);
        commands.Add(KernelLogProblems);
        commands.Add(PowerOff);
        var steps = new List<ConversationStep>();
        foreach (string command in commands)
            steps.Add(new ConversationStep(Prompt, command + "\r") { Within = steps.Count == 0 ? bootLimit : CommandLimit });
        steps.Add(new ConversationStep(ExitReport) { Within = CommandLimit });
        return steps;
    }
}
