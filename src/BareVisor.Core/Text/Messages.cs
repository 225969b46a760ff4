// Pure logic; no hardware. Allocates one string per message: for error paths and set-up, not hot paths.
using System;

namespace BareVisor.Core.Text
{
    /// <summary>Builds messages that embed numbers (the runtime has no number formatting).</summary>
    public static class Messages
    {
        private const int MaxLength = 256;

        /// <summary>before + "0x{value}" + after.</summary>
        public static string WithHex(string before, ulong value, string after)
        {
            TextBuffer text = new TextBuffer(stackalloc char[MaxLength]);
            text.Append(before);
            text.AppendHexPrefixed(value, 1);
            text.Append(after);
            return text.ToString();
        }

        /// <summary>before + decimal value + after.</summary>
        public static string WithDecimal(string before, ulong value, string after)
        {
            TextBuffer text = new TextBuffer(stackalloc char[MaxLength]);
            text.Append(before);
            text.AppendDecimal(value);
            text.Append(after);
            return text.ToString();
        }

        /// <summary>a + decimal + b + "0x{hex}" + c, e.g. "tag 6 at offset 0x48 overruns ...".</summary>
        public static string WithDecimalAndHex(string a, ulong decimalValue, string b, ulong hexValue, string c)
        {
            TextBuffer text = new TextBuffer(stackalloc char[MaxLength]);
            text.Append(a);
            text.AppendDecimal(decimalValue);
            text.Append(b);
            text.AppendHexPrefixed(hexValue, 1);
            text.Append(c);
            return text.ToString();
        }

        /// <summary>a + "0x{first}" + b + "0x{second}" + c.</summary>
        public static string WithTwoHex(string a, ulong first, string b, ulong second, string c)
        {
            TextBuffer text = new TextBuffer(stackalloc char[MaxLength]);
            text.Append(a);
            text.AppendHexPrefixed(first, 1);
            text.Append(b);
            text.AppendHexPrefixed(second, 1);
            text.Append(c);
            return text.ToString();
        }
    }
}
