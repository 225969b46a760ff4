// Host side. Shows a guest's serial output on a terminal that stays in line mode (BareVisor.Run
// with Bochs, where the harness sends the terminal's lines): everything except the cursor-position
// queries (ESC [ 6 n) that shells such as busybox's ash send after each prompt. A terminal answers
// such a query by typing the reply into its own input, where in line mode it would appear as
// "^[[24;8R" and go to the guest with the next line. Stateful: a query split between two pieces of
// text is held back until the next piece shows whether it is one.
using System;

namespace BareVisor.Emulators;

public sealed class TerminalQueryFilter
{
    private const string CursorQuery = "\x1b[6n";

    private string held = "";

    /// <summary>The part of <paramref name="text"/> (after what an earlier call held back) the terminal may show now.</summary>
    public string Filter(string text)
    {
        string all = held + text;
        held = "";
        for (int length = Math.Min(CursorQuery.Length - 1, all.Length); length > 0; length--)
        {
            if (all.EndsWith(CursorQuery[..length], StringComparison.Ordinal))
            {
                held = all[^length..];
                all = all[..^length];
                break;
            }
        }
        return all.Replace(CursorQuery, "", StringComparison.Ordinal);
    }
}
