// Host side. One step of a scripted exchange with the guest over COM1: wait until a serial line
// matches a pattern, then type a text. Immutable, so a test's conversation can be shared.
using System;
using System.Text.RegularExpressions;

namespace BareVisor.Emulators;

/// <summary>
/// Waits until a cleaned serial line (see <see cref="SerialText.CleanLine"/>) that arrived after
/// the previous step's line matches <see cref="Expect"/>, then types <see cref="Send"/>. End a
/// command with "\r": that is the Enter key, which a serial tty turns into a newline.
/// </summary>
public sealed record ConversationStep
{
    public static readonly TimeSpan DefaultWithin = TimeSpan.FromSeconds(60);

    /// <param name="expect">A regular expression for one line; a prompt, which waits without a newline, matches once its line stops growing.</param>
    /// <param name="send">Typed once the line has come; empty: only wait.</param>
    public ConversationStep(string expect, string send = "")
    {
        Expect = new Regex(expect ?? throw new ArgumentNullException(nameof(expect)), RegexOptions.CultureInvariant);
        Send = send ?? "";
    }

    public Regex Expect { get; }

    public string Send { get; }

    /// <summary>How long the line may take, counted from the previous step's line (from the start for the first step).</summary>
    public TimeSpan Within { get; init; } = DefaultWithin;

    /// <summary>"/^guest#$/ then "uname\r"" for reports, control characters escaped.</summary>
    public override string ToString() =>
        Send.Length == 0 ? $"/{Expect}/" : $"/{Expect}/ then \"{Escape(Send)}\"";

    private static string Escape(string text) =>
        text.Replace("\\", "\\\\").Replace("\r", "\\r").Replace("\n", "\\n").Replace("\"", "\\\"");
}
