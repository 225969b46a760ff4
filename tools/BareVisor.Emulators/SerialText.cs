// Host side. Turns raw COM1 bytes (GRUB's terminal escapes, CRLF, the kernel's timestamp and
// level prefix) into the plain lines the kernel's output contract talks about.
using System.Collections.Generic;
using System.Text.RegularExpressions;

namespace BareVisor.Emulators;

public static class SerialText
{
    /// <summary>The kernel's last line on every path that ends in order.</summary>
    public const string PowerOffLine = "BareVisor: power off";

    // GRUB's serial terminal draws its menu with VT100 sequences (cursor moves, clear screen).
    private static readonly Regex TerminalEscape = new(@"\x1B(?:\[[0-?]*[ -/]*[@-~]|[()][0-9A-Za-z]|[=>78])", RegexOptions.Compiled);

    // "[    0.001234] info  " before a message: the contract's lines are matched without it.
    private static readonly Regex LogPrefix = new(@"^\[\s*\d+(?:\.\d+)?\]\s+(?:(?:trace|debug|info|note|warn|warning|error|fatal|panic)\s+)?", RegexOptions.Compiled);

    /// <summary>The non-empty lines of <paramref name="raw"/>, without escapes, CRs or log prefixes.</summary>
    public static IReadOnlyList<string> Lines(string raw)
    {
        var lines = new List<string>();
        foreach (string part in (raw ?? "").Split('\n'))
        {
            string line = CleanLine(part);
            if (line.Length != 0)
                lines.Add(line);
        }
        return lines;
    }

    /// <summary>One raw line (no newline in it) as <see cref="Lines"/> gives it: no escapes, CRs, trailing blanks or log prefix.</summary>
    public static string CleanLine(string rawLine) => StripPrefix(Printable(rawLine).TrimEnd());

    /// <summary>The raw text without terminal escapes and CRs, prefixes kept: for reports.</summary>
    public static string Printable(string raw) => TerminalEscape.Replace(raw ?? "", "").Replace("\r", "");

    /// <summary>One line without the kernel's "[ seconds] level" prefix, if it has one.</summary>
    public static string StripPrefix(string line) => LogPrefix.Replace(line, "", 1);

    public static bool IsPowerOff(string cleanLine) => cleanLine == PowerOffLine;

    /// <summary>Every line of the kernel's panic report starts so (Diagnostics/Panic.cs, StackTrace.cs).</summary>
    public const string PanicPrefix = "panic: ";

    public static bool IsPanic(string cleanLine) => cleanLine.StartsWith(PanicPrefix, System.StringComparison.Ordinal);
}
