// Host side. Follows a conversation through the serial text as it grows: finds each step's line,
// hands back what to type, and notices a step whose line is late. Pure (the caller passes the
// text and the time), so it is tested without an emulator.
using System;
using System.Collections.Generic;

namespace BareVisor.Emulators;

internal sealed class ConversationProgress
{
    private readonly IReadOnlyList<ConversationStep> steps;
    private readonly List<IReadOnlyList<string>> heard = [];
    private readonly List<TimeSpan> matchedAt = [];
    private readonly List<string> listening = [];
    // How far the text has been examined (complete lines, and the previous step's line even when
    // it was unfinished), and where the unfinished last line ended at the previous call.
    private int examined;
    private int partialEnd = -1;
    private TimeSpan since;

    public ConversationProgress(IReadOnlyList<ConversationStep> steps) => this.steps = steps ?? [];

    /// <summary>Which step's line never came and why, or null.</summary>
    public string Failure { get; private set; }

    public bool Done => heard.Count == steps.Count;

    /// <summary>
    /// Looks at the serial text so far (raw, as in serial.log) at <paramref name="now"/> since the
    /// start of the run; returns what to type now (empty when nothing). An unfinished last line (a
    /// prompt waits without a newline) counts only when it is the same as at the previous call, so
    /// a line is never matched while it is still arriving.
    /// </summary>
    public string Advance(string raw, TimeSpan now) => Match(raw, now, final: false);

    /// <summary>
    /// The log at the end of the run, which ended at <paramref name="now"/> as <paramref name="end"/>
    /// says. The final text is looked at once more (the emulator may have exited between two calls
    /// of Advance); what the steps matched there would have typed has nobody left to read it.
    /// </summary>
    public ConversationLog Finish(string raw, string end, TimeSpan now)
    {
        Match(raw, now, final: true);
        if (!Done && Failure == null)
            Failure = $"step {heard.Count + 1} of {steps.Count}, {steps[heard.Count]}: the run ended ({end}) before the line came{LastHeard(raw)}";
        var pending = new List<string>(listening);
        foreach (string line in SerialText.Lines(raw.Substring(examined)))
            pending.Add(line);
        return new ConversationLog(steps, heard, matchedAt, pending, Failure);
    }

    private string Match(string raw, TimeSpan now, bool final)
    {
        string typed = "";
        while (!Done && Failure == null)
        {
            ConversationStep step = steps[heard.Count];
            int matchEnd = Find(raw, step, final);
            if (matchEnd < 0)
            {
                if (!final && now - since > step.Within)
                    Failure = $"step {heard.Count + 1} of {steps.Count}, {step}: no line matched within {step.Within.TotalSeconds:F0} s{LastHeard(raw)}";
                break;
            }
            heard.Add(listening.ToArray());
            matchedAt.Add(now);
            listening.Clear();
            examined = matchEnd;
            partialEnd = -1;
            since = now;
            typed += step.Send;
        }
        return typed;
    }

    // The end (in raw) of the first line after the previous step's that matches, or -1. Complete
    // lines are examined once; the unfinished one again at every call until it is complete or settled.
    private int Find(string raw, ConversationStep step, bool final)
    {
        while (examined < raw.Length)
        {
            int newline = raw.IndexOf('\n', examined);
            if (newline < 0)
                return FindInPartial(raw, step, final);
            string line = SerialText.CleanLine(raw[examined..newline]);
            examined = newline + 1;
            if (line.Length == 0)
                continue;
            listening.Add(line);
            if (step.Expect.IsMatch(line))
                return examined;
        }
        return -1;
    }

    private int FindInPartial(string raw, ConversationStep step, bool final)
    {
        bool settled = final || partialEnd == raw.Length;
        partialEnd = raw.Length;
        if (!settled)
            return -1;
        string line = SerialText.CleanLine(raw[examined..]);
        if (line.Length == 0 || !step.Expect.IsMatch(line))
            return -1;
        listening.Add(line);
        examined = raw.Length;
        return examined;
    }

    // The last lines the waiting step heard, the unfinished one included: what the guest said instead.
    private string LastHeard(string raw)
    {
        var lines = new List<string>(listening);
        string partial = examined < raw.Length ? SerialText.CleanLine(raw[examined..]) : "";
        if (partial.Length != 0)
            lines.Add(partial);
        if (lines.Count == 0)
            return "; nothing was heard since the previous step";
        int from = Math.Max(0, lines.Count - 5);
        return $"; the last lines heard: {string.Join(" | ", lines.GetRange(from, lines.Count - from))}";
    }
}
