// Pure logic; no hardware. Parses and checks the value of each key; every failure returns a message
// (without the key, which ConfigError carries) instead of throwing.
using BareVisor.Core.Text;

namespace BareVisor.Core.Config
{
    internal static class ConfigValues
    {
        private const string SizeHint = "write a whole number and a unit K, M or G (1024-based), e.g. 512M";

        /// <summary>"512M", "2G", "65536K" (units in either case) to bytes, within the memory limits.</summary>
        internal static bool TryParseSize(string value, out ulong bytes, out string error)
        {
            bytes = 0;
            int digits = CountDigits(value);
            if (digits == 0)
                return Fail(string.Concat("'", value, "' is not a size; ", SizeHint), out error);
            if (digits == value.Length)
                return Fail(string.Concat("'", value, "' has no unit; ", string.Concat("write ", value, "M for MiB (units K, M, G)")), out error);
            int shift = UnitShift(value.Substring(digits));
            if (shift < 0)
                return Fail(string.Concat("'", value, "' has an unknown unit; ", SizeHint), out error);
            if (!TryDecimal(value, digits, out ulong number) || number > (GuestConfigLimits.MaxMemoryBytes >> shift))
                return Fail(string.Concat("'", value, "' is above the maximum of ", SizeText(GuestConfigLimits.MaxMemoryBytes)), out error);
            bytes = number << shift;
            return CheckMemory(value, bytes, out error);
        }

        private static bool CheckMemory(string value, ulong bytes, out string error)
        {
            if (bytes < GuestConfigLimits.MinMemoryBytes)
                return Fail(string.Concat("'", value, "' is below the minimum of ", SizeText(GuestConfigLimits.MinMemoryBytes)), out error);
            if (bytes % GuestConfigLimits.MemoryGranularity != 0)
                return Fail(string.Concat("'", value, "' is not a multiple of 4K"), out error);
            error = null;
            return true;
        }

        /// <summary>K = 10, M = 20, G = 30; -1 for anything else.</summary>
        private static int UnitShift(string unit)
        {
            if (unit == "K" || unit == "k")
                return 10;
            if (unit == "M" || unit == "m")
                return 20;
            if (unit == "G" || unit == "g")
                return 30;
            return -1;
        }

        internal static bool TryParseVcpus(string value, out int vcpus, out string error)
        {
            vcpus = 0;
            int digits = CountDigits(value);
            if (digits == 0 || digits != value.Length)
                return Fail(string.Concat("'", value, "' is not a whole number; use 1 to 64"), out error);
            if (!TryDecimal(value, digits, out ulong number) || number < 1 || number > GuestConfigLimits.MaxVcpus)
                return Fail(string.Concat("'", value, "' is out of range; use 1 to 64"), out error);
            vcpus = (int)number;
            error = null;
            return true;
        }

        /// <summary>A VM name: 1 to 32 of letters, digits, '-', '_', '.', starting with a letter or digit.</summary>
        internal static bool CheckName(string name, out string error)
        {
            if (name.Length == 0)
                return Fail("the section has no name; write [vm NAME]", out error);
            if (name.Length > GuestConfigLimits.MaxNameLength)
                return Fail(Messages.WithDecimal("the name is longer than ", GuestConfigLimits.MaxNameLength, " characters"), out error);
            int bad = ConfigText.FirstBadNameChar(name);
            if (bad >= 0)
                return Fail(string.Concat("the name contains ", ConfigText.Quote(name[bad]), "; use letters, digits, '-', '_' and '.'"), out error);
            if (!ConfigText.IsLetter(name[0]) && !ConfigText.IsDigit(name[0]))
                return Fail("the name must start with a letter or a digit", out error);
            error = null;
            return true;
        }

        /// <summary>A kernel or initrd path: one word of path characters, not a directory.</summary>
        internal static bool CheckPath(string path, out string error)
        {
            if (path.Length > GuestConfigLimits.MaxPathLength)
                return Fail(Messages.WithDecimal("the path is longer than ", GuestConfigLimits.MaxPathLength, " characters"), out error);
            int bad = ConfigText.FirstBadPathChar(path);
            if (bad >= 0)
                return Fail(string.Concat("'", path, string.Concat("' contains ", ConfigText.Quote(path[bad]), "; a path may contain letters, digits and . _ - + /")), out error);
            if (path[path.Length - 1] == '/')
                return Fail(string.Concat("'", path, "' names a directory, not a file"), out error);
            error = null;
            return true;
        }

        internal static bool CheckCommandLine(string commandLine, out string error)
        {
            if (commandLine.Length > GuestConfigLimits.MaxCommandLineLength)
                return Fail(Messages.WithDecimal("longer than ", GuestConfigLimits.MaxCommandLineLength, " characters (Linux's limit)"), out error);
            error = null;
            return true;
        }

        /// <summary>A whole decimal number and nothing else ("42", not "42s" or "").</summary>
        internal static bool TryParseWholeNumber(string text, out ulong value)
        {
            value = 0;
            int digits = CountDigits(text);
            return digits != 0 && digits == text.Length && TryDecimal(text, digits, out value);
        }

        private static int CountDigits(string text)
        {
            int count = 0;
            while (count < text.Length && ConfigText.IsDigit(text[count]))
                count++;
            return count;
        }

        /// <summary>The first digits characters of text as a number; false when it does not fit a ulong.</summary>
        private static bool TryDecimal(string text, int digits, out ulong value)
        {
            value = 0;
            for (int i = 0; i < digits; i++)
            {
                ulong digit = (ulong)(text[i] - '0');
                if (value > (ulong.MaxValue - digit) / 10)
                    return false;
                value = value * 10 + digit;
            }
            return true;
        }

        /// <summary>1M, 1024G: a limit written the way the file writes sizes.</summary>
        internal static string SizeText(ulong bytes)
        {
            TextBuffer text = new TextBuffer(stackalloc char[24]);
            if (bytes % (1UL << 30) == 0)
            {
                text.AppendDecimal(bytes >> 30);
                text.Append('G');
            }
            else if (bytes % (1UL << 20) == 0)
            {
                text.AppendDecimal(bytes >> 20);
                text.Append('M');
            }
            else
            {
                text.AppendDecimal(bytes >> 10);
                text.Append('K');
            }
            return text.ToString();
        }

        private static bool Fail(string message, out string error)
        {
            error = message;
            return false;
        }
    }
}
