// Host side. One boot of the default Linux guest in Bochs, and the expectations on its serial
// log. COM1 carries BareVisor's own lines ("[ seconds] info  vm linux: ...") and, unprefixed, the
// guest's console (Linux's "[ seconds] message" lines, then busybox's). SerialText strips both
// kinds of timestamp; the raw text keeps them for the timing report.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using BareVisor.Emulators;
using BareVisor.LinuxGuest;
using Xunit.Sdk;

namespace BareVisor.LinuxGuestTests.Infrastructure;

public sealed class LinuxBoot
{
    /// <summary>The prompt without its trailing space, as it starts a cleaned line.</summary>
    public static readonly string PromptLine = Initramfs.Prompt.TrimEnd();

    private static readonly Regex UsableRange = new(@"^BIOS-e820: \[mem 0x(?<start>[0-9a-f]+)-0x(?<end>[0-9a-f]+)\] usable$", RegexOptions.Compiled);
    private static readonly Regex LinuxTimestamp = new(@"^\[\s*(?<seconds>\d+\.\d+)\] (?!(?:info|warn|error|debug|note|fatal|panic|trace) )", RegexOptions.Compiled);
    private static readonly Regex BareVisorTimestamp = new(@"^\[\s*(?<seconds>\d+\.\d+)\] (?:info|warn|error|debug|note|fatal|panic|trace) ", RegexOptions.Compiled);
    private static readonly Regex Uptime = new(@"^guest: .*, up (?<seconds>\d+(?:\.\d+)?) s$", RegexOptions.Compiled);

    public LinuxBoot(GuestBuild build, EmulatorResult result, TimeSpan buildTime)
    {
        Build = build;
        Result = result;
        BuildTime = buildTime;
        Lines = result.SerialLines;
    }

    public GuestBuild Build { get; }

    public EmulatorResult Result { get; }

    public TimeSpan BuildTime { get; }

    public IReadOnlyList<string> Lines { get; }

    public bool HadFailure { get; private set; }

    /// <summary>
    /// Where the harness stops the run: the end of a kernel panic's report, after which the guest
    /// never powers off. (After BareVisor's power-off line Bochs ends by itself.)
    /// </summary>
    public static bool IsStopLine(string line) => line.Contains("---[ end Kernel panic", StringComparison.Ordinal);

    public bool ReachedPrompt => Lines.Any(l => l.StartsWith(PromptLine, StringComparison.Ordinal));

    /// <summary>The first cleaned line matching <paramref name="pattern"/>; fails the test when there is none.</summary>
    public string ExpectLine(string pattern, string what)
    {
        var regex = new Regex(pattern, RegexOptions.CultureInvariant);
        string line = Lines.FirstOrDefault(l => regex.IsMatch(l));
        if (line == null)
            Fail($"{what}: no serial line matches /{pattern}/");
        return line;
    }

    /// <summary>
    /// The lines that came back after <paramref name="command"/> was typed (its echo first, then
    /// its output, up to the next prompt, or to BareVisor's report after the power-off); fails the
    /// test when the conversation never got there.
    /// </summary>
    public IReadOnlyList<string> ReplyTo(string command)
    {
        ConversationLog conversation = Result.Conversation;
        for (int step = 0; step < conversation.Steps.Count; step++)
        {
            if (conversation.Steps[step].Send != command + "\r")
                continue;
            IReadOnlyList<string> reply = conversation.ReplyTo(step);
            if (reply.Count == 0)
                Fail($"`{command}` got no reply: {conversation.Failure ?? "the run ended"}");
            return reply;
        }
        throw new ArgumentException($"`{command}` is not typed in the conversation", nameof(command));
    }

    /// <summary>
    /// What <paramref name="command"/> printed: its reply without the shell's echo of the command
    /// and without the next prompt. Fails the test when the echo is not exactly the command: typed
    /// bytes were lost or garbled on the way.
    /// </summary>
    public IReadOnlyList<string> OutputOf(string command)
    {
        IReadOnlyList<string> reply = ReplyTo(command);
        if (reply[0] != command)
            Fail($"the shell echoed `{reply[0]}` for `{command}`");
        int end = reply.Count > 1 && reply[^1] == PromptLine ? reply.Count - 1 : reply.Count;
        return reply.Skip(1).Take(end - 1).ToList();
    }

    /// <summary>The usable RAM ranges of the kernel's "BIOS-provided physical RAM map" (start, end exclusive).</summary>
    public IReadOnlyList<(ulong Start, ulong End)> UsableRam() =>
        Lines.Select(l => UsableRange.Match(l)).Where(m => m.Success)
             .Select(m => (ulong.Parse(m.Groups["start"].Value, NumberStyles.HexNumber),
                           ulong.Parse(m.Groups["end"].Value, NumberStyles.HexNumber) + 1))
             .ToList();

    /// <summary>The last Linux printk timestamp before the prompt (seconds of the guest's clock), or null.</summary>
    public double? LastKernelTimestamp() => LastTimestamp(LinuxTimestamp);

    /// <summary>BareVisor's last log timestamp before the prompt (seconds since it started), or null.</summary>
    public double? LastBareVisorTimestamp() => LastTimestamp(BareVisorTimestamp);

    /// <summary>/proc/uptime as rcS printed it just before the shell started, or null.</summary>
    public double? GuestUptimeAtShell()
    {
        Match match = Lines.Select(l => Uptime.Match(l)).FirstOrDefault(m => m.Success);
        return match == null ? null : double.Parse(match.Groups["seconds"].Value, CultureInfo.InvariantCulture);
    }

    public void Expect(bool condition, string what)
    {
        if (!condition)
            Fail(what);
    }

    /// <summary>Fails the test with the serial log's tail, Bochs's log tail and where the run's files are.</summary>
    public void Fail(string what)
    {
        HadFailure = true;
        throw new XunitException(Report(what));
    }

    public string Report(string what, int serialLines = 80)
    {
        string[] serial = SerialText.Printable(Result.SerialRaw).TrimEnd().Split('\n');
        var message = new StringBuilder(what).Append("\n\n");
        message.Append(Result.Run.Describe()).Append(": ").Append(Result.End)
               .Append(" after ").Append(Result.WallTime.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)).Append(" s")
               .Append(", Bochs ticks ").Append(Result.BochsTicks?.ToString("N0", CultureInfo.InvariantCulture) ?? "unknown").Append('\n');
        if (!Result.Conversation.Completed)
            message.Append("conversation: ").Append(Result.Conversation.Failure).Append('\n');
        message.Append("ISO: ").Append(Build.IsoPath).Append('\n');
        message.Append("run directory (kept): ").Append(Result.RunDirectory).Append('\n');
        message.Append("command: ").Append(Result.CommandLine).Append('\n');
        message.Append($"--- serial (COM1), last {Math.Min(serialLines, serial.Length)} of {serial.Length} lines ---\n");
        message.Append(string.Join('\n', serial.TakeLast(serialLines))).Append('\n');
        message.Append("--- Bochs log, last 30 lines ---\n").Append(Result.EmulatorLogTail(30)).Append('\n');
        return message.ToString();
    }

    private double? LastTimestamp(Regex regex)
    {
        double? last = null;
        foreach (string line in SerialText.Printable(Result.SerialRaw).Split('\n'))
        {
            if (line.StartsWith(PromptLine, StringComparison.Ordinal))
                break;
            Match match = regex.Match(line);
            if (match.Success)
                last = double.Parse(match.Groups["seconds"].Value, CultureInfo.InvariantCulture);
        }
        return last;
    }
}
