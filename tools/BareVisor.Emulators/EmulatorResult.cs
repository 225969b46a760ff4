// Host side. What one emulator session left behind: the serial console, the emulator's log,
// and how and when it ended; plus the failure report tests attach to their assertions.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace BareVisor.Emulators;

public sealed class EmulatorResult
{
    public EmulatorRun Run { get; init; }

    /// <summary>The command that was started, ready to paste into a shell (from the run directory).</summary>
    public string CommandLine { get; init; }

    /// <summary>Holds bochsrc/command.txt, serial.log, the emulator log and console.log.</summary>
    public string RunDirectory { get; init; }

    /// <summary>Raw COM1 text (GRUB's escapes and CRs included).</summary>
    public string SerialRaw { get; init; }

    /// <summary>bochs.log for Bochs, qemu.log (-d cpu_reset) for QEMU.</summary>
    public string EmulatorLog { get; init; }

    /// <summary>The emulator's stdout and stderr (Bochs's port 0xE9 output lands here).</summary>
    public string ConsoleText { get; init; }

    /// <summary>The emulator's exit status when it ended by itself (<see cref="RunEnd.ExitedByItself"/>), else null.</summary>
    public int? ExitCode { get; init; }

    public RunEnd End { get; init; }

    /// <summary>Bochs's fatal panic, the message it ended with (see <see cref="BochsPanic"/>); null when not Bochs or none.</summary>
    public BochsPanic BochsPanic => Run?.Emulator == EmulatorKind.Bochs ? BochsPanic.Parse(EmulatorLog) : null;

    /// <summary>Which power-off device ended the emulator by itself, if one did.</summary>
    public PowerOffDevice PowerOffDevice => PowerOffDevices.Recognise(Run.Emulator, End, ExitCode, BochsPanic);

    /// <summary>How far <see cref="EmulatorRun.Conversation"/> got and what each step heard.</summary>
    public ConversationLog Conversation { get; init; } = ConversationLog.None;

    public TimeSpan WallTime { get; init; }

    public bool TimedOut => End == RunEnd.KilledAtTimeout;

    // Bochs's debugger names the instruction it stopped at, "(0).[110736398] [0x...] 0008:... out dx, al",
    // when it exits by itself (shutdown port) or after an interrupt; the bracketed number is its tick count.
    private static readonly Regex BochsStopLine = new(@"^\(\d+\)\.\[(\d+)\]", RegexOptions.Compiled | RegexOptions.Multiline);

    /// <summary>
    /// Bochs's tick count when it stopped (one tick per emulated instruction, the clock of a
    /// <c>clock: sync=none</c> run), or null: not Bochs, or Bochs was killed before it said.
    /// </summary>
    public long? BochsTicks => Run?.Emulator == EmulatorKind.Bochs ? ParseBochsTicks(ConsoleText) : null;

    /// <summary>The tick count in the last "(cpu).[ticks]" line of Bochs's console output, or null.</summary>
    public static long? ParseBochsTicks(string consoleText)
    {
        MatchCollection matches = BochsStopLine.Matches(consoleText ?? "");
        return matches.Count == 0 ? null : long.Parse(matches[^1].Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>Every stop of Bochs's debugger, in order (empty when not Bochs); see <see cref="EmulatorRun.MagicBreak"/>.</summary>
    public IReadOnlyList<BochsStop> BochsStops =>
        Run?.Emulator == EmulatorKind.Bochs ? BochsStop.Parse(ConsoleText) : Array.Empty<BochsStop>();

    /// <summary>COM1 output as clean lines: no escapes, CRs or "[ seconds] level" prefixes.</summary>
    public IReadOnlyList<string> SerialLines => SerialText.Lines(SerialRaw);

    /// <summary>True when the last serial line is the kernel's power-off line.</summary>
    public bool EndedWithPowerOff => SerialLines.Count > 0 && SerialText.IsPowerOff(SerialLines[^1]);

    public string EmulatorLogTail(int lines) => Tail(EmulatorLog, lines);

    /// <summary>Everything a reader of a failed test needs to see without rerunning it.</summary>
    public string Report(int logLines = 40)
    {
        var report = new StringBuilder();
        report.Append(Run.Describe()).Append(": ").Append(End)
              .Append(" after ").Append(WallTime.TotalSeconds.ToString("F1")).Append(" s")
              .Append(", exit code ").Append(ExitCode?.ToString() ?? "none (stopped by the harness or timeout)")
              .Append(", power-off device ").Append(PowerOffDevice);
        if (BochsPanic != null)
            report.Append(", Bochs ended with ").Append(BochsPanic);
        if (BochsTicks is long ticks)
            report.Append(", ").Append(ticks.ToString("N0", CultureInfo.InvariantCulture)).Append(" Bochs ticks");
        report.Append('\n');
        if (!Conversation.Completed)
            report.Append("conversation: ").Append(Conversation.Failure).Append('\n');
        report.Append("run directory: ").Append(RunDirectory).Append('\n');
        report.Append("command: ").Append(CommandLine).Append('\n');
        report.Append("--- serial (COM1) ---\n").Append(SerialText.Printable(SerialRaw)).Append('\n');
        report.Append($"--- emulator log, last {logLines} lines ---\n").Append(EmulatorLogTail(logLines)).Append('\n');
        if (ConsoleText.Trim().Length != 0)
            report.Append("--- emulator console, last 20 lines ---\n").Append(Tail(ConsoleText, 20)).Append('\n');
        return report.ToString();
    }

    /// <summary>Removes the run directory; callers keep it when something failed.</summary>
    public void DeleteRunDirectory()
    {
        if (Directory.Exists(RunDirectory))
            Directory.Delete(RunDirectory, recursive: true);
    }

    private static string Tail(string text, int lines) =>
        string.Join('\n', (text ?? "").TrimEnd().Split('\n').TakeLast(lines));
}
