// Pure logic; no hardware. Allocates one string per call: for error and warning paths at guest set-up.
using BareVisor.Core.Text;

namespace BareVisor.Core.Loaders
{
    /// <summary>Number formatting for loader messages (the runtime has no ToString on numbers).</summary>
    internal static class LoaderText
    {
        public static string Hex(ulong value)
        {
            TextBuffer text = new TextBuffer(stackalloc char[18]);
            text.AppendHexPrefixed(value, 1);
            return text.ToString();
        }

        public static string Dec(ulong value)
        {
            TextBuffer text = new TextBuffer(stackalloc char[20]);
            text.AppendDecimal(value);
            return text.ToString();
        }

        /// <summary>"[0x1000, 0x2000)": a half-open guest-physical range.</summary>
        public static string Range(ulong start, ulong end) => "[" + Hex(start) + ", " + Hex(end) + ")";

        /// <summary>The string as Latin-1 bytes plus a NUL; fails on a NUL or a character above 0xFF.</summary>
        public static bool TryNulTerminated(string text, string prefix, string what, out byte[] bytes, out string error)
        {
            if (text == null)
                text = "";
            bytes = new byte[text.Length + 1];
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                if (c == 0 || c > 0xFF)
                    return Fail(prefix + ": " + what + " has a character outside 1-255 at index " + Dec((ulong)i), out error);
                bytes[i] = (byte)c;
            }
            error = null;
            return true;
        }

        public static bool Fail(string message, out string error)
        {
            error = message;
            return false;
        }
    }
}
