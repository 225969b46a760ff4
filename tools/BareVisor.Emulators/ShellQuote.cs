// Host side. Renders a command so a developer can paste it into a shell to rerun a failure.
using System.Collections.Generic;
using System.Linq;

namespace BareVisor.Emulators;

internal static class ShellQuote
{
    public static string Join(string program, IEnumerable<string> arguments) =>
        string.Join(' ', arguments.Prepend(program).Select(Quote));

    public static string Quote(string word)
    {
        if (word.Length != 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:,+@%".Contains(c)))
            return word;
        return "'" + word.Replace("'", "'\\''") + "'";
    }
}
