// Pure logic; no hardware. Character classes and trimming for the configuration parser (the runtime has
// no char.IsDigit, string.Trim or Split).
namespace BareVisor.Core.Config
{
    internal static class ConfigText
    {
        internal static bool IsSpace(char c) => c == ' ' || c == '\t';

        internal static bool IsDigit(char c) => c >= '0' && c <= '9';

        internal static bool IsLetter(char c) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');

        /// <summary>Printable ASCII and tab: what a configuration line may contain.</summary>
        internal static bool IsAllowed(char c) => c == '\t' || (c >= ' ' && c <= '~');

        /// <summary>VM names: letters, digits, '-', '_' and '.', starting with a letter or digit.</summary>
        internal static bool IsNameChar(char c) => IsLetter(c) || IsDigit(c) || c == '-' || c == '_' || c == '.';

        /// <summary>
        /// Paths: letters, digits and . _ - + /. No spaces (a path is one word on GRUB's, iPXE's and
        /// QEMU's command lines), no commas (QEMU's -initrd separator), nothing a shell or script quotes.
        /// </summary>
        internal static bool IsPathChar(char c) => IsLetter(c) || IsDigit(c) || c == '.' || c == '_' || c == '-' || c == '+' || c == '/';

        /// <summary>Where a comment starts: a '#' first on the line or after a space or tab; line.Length if none.</summary>
        internal static int CommentStart(string line)
        {
            for (int i = 0; i < line.Length; i++)
            {
                if (line[i] == '#' && (i == 0 || IsSpace(line[i - 1])))
                    return i;
            }
            return line.Length;
        }

        /// <summary>text[start, end) without leading and trailing spaces and tabs.</summary>
        internal static string Trimmed(string text, int start, int end)
        {
            while (start < end && IsSpace(text[start]))
                start++;
            while (end > start && IsSpace(text[end - 1]))
                end--;
            return text.Substring(start, end - start);
        }

        /// <summary>The index of the first character a VM name may not contain, or -1.</summary>
        internal static int FirstBadNameChar(string name)
        {
            for (int i = 0; i < name.Length; i++)
            {
                if (!IsNameChar(name[i]))
                    return i;
            }
            return -1;
        }

        /// <summary>The index of the first character a path may not contain, or -1.</summary>
        internal static int FirstBadPathChar(string path)
        {
            for (int i = 0; i < path.Length; i++)
            {
                if (!IsPathChar(path[i]))
                    return i;
            }
            return -1;
        }

        /// <summary>'x', or "character 0x07" for one that does not print.</summary>
        internal static string Quote(char c)
        {
            if (c > ' ' && c <= '~')
                return string.Concat("'", new string(c, 1), "'");
            if (c == ' ')
                return "a space";
            if (c == '\t')
                return "a tab";
            return Text.Messages.WithHex("character ", c, "");
        }
    }
}
