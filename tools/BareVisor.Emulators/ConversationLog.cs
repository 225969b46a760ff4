// Host side. What a scripted conversation heard, step by step, and how far it got: the part of
// EmulatorResult that tests of an interactive guest read.
using System;
using System.Collections.Generic;

namespace BareVisor.Emulators;

public sealed class ConversationLog
{
    public static readonly ConversationLog None = new([], [], [], [], null);

    public ConversationLog(IReadOnlyList<ConversationStep> steps, IReadOnlyList<IReadOnlyList<string>> heard,
                           IReadOnlyList<TimeSpan> matchedAt, IReadOnlyList<string> pending, string failure)
    {
        Steps = steps;
        Heard = heard;
        MatchedAt = matchedAt;
        Pending = pending;
        Failure = failure;
    }

    public IReadOnlyList<ConversationStep> Steps { get; }

    /// <summary>
    /// For each step whose line came, in order: the cleaned lines from just after the previous
    /// step's line through the one that matched (what was typed meanwhile comes back as its echo).
    /// </summary>
    public IReadOnlyList<IReadOnlyList<string>> Heard { get; }

    /// <summary>When each matched step's line came, from the start of the run.</summary>
    public IReadOnlyList<TimeSpan> MatchedAt { get; }

    /// <summary>The cleaned lines after the last matched step's line, to the end of the run.</summary>
    public IReadOnlyList<string> Pending { get; }

    /// <summary>Which step's line never came and why; null when every step matched (or there were none).</summary>
    public string Failure { get; }

    public bool Completed => Failure == null;

    /// <summary>
    /// What came back after step <paramref name="step"/> typed its text: the lines the next step
    /// heard, or everything after it when it is the last step matched. Empty when the step itself
    /// never matched.
    /// </summary>
    public IReadOnlyList<string> ReplyTo(int step)
    {
        if (step < 0 || step >= Steps.Count)
            throw new ArgumentOutOfRangeException(nameof(step), $"the conversation has {Steps.Count} steps");
        if (step + 1 < Heard.Count)
            return Heard[step + 1];
        return step + 1 == Heard.Count ? Pending : [];
    }
}
