// Pure logic; no hardware. Firmware and boot loaders hand us byte strings; the runtime has no System.Text.
using System;

namespace BareVisor.Core.Text
{
    public static class Ascii
    {
        /// <summary>Bytes (ASCII / Latin-1) up to the first NUL, or the whole span if there is none, as a string.</summary>
        public static string FromNulTerminated(ReadOnlySpan<byte> bytes)
        {
            int length = IndexOfNul(bytes);
            if (length < 0)
                length = bytes.Length;
            return FromBytes(bytes.Slice(0, length));
        }

        /// <summary>Bytes (ASCII / Latin-1) as a string, NULs included.</summary>
        public static string FromBytes(ReadOnlySpan<byte> bytes)
        {
            if (bytes.IsEmpty)
                return "";
            char[] chars = new char[bytes.Length];
            for (int i = 0; i < bytes.Length; i++)
                chars[i] = (char)bytes[i];
            // The span constructor: the runtime provides string(ReadOnlySpan<char>), not string(char[]).
            return new string(new ReadOnlySpan<char>(chars));
        }

        /// <summary>Like FromBytes, without trailing spaces and NULs (ACPI pads OEM IDs with spaces).</summary>
        public static string FromPadded(ReadOnlySpan<byte> bytes)
        {
            int length = bytes.Length;
            while (length > 0 && (bytes[length - 1] == (byte)' ' || bytes[length - 1] == 0))
                length--;
            return FromBytes(bytes.Slice(0, length));
        }

        public static int IndexOfNul(ReadOnlySpan<byte> bytes)
        {
            for (int i = 0; i < bytes.Length; i++)
            {
                if (bytes[i] == 0)
                    return i;
            }
            return -1;
        }

        /// <summary>True if the bytes are exactly the characters of text (compared as Latin-1).</summary>
        public static bool EqualsAscii(ReadOnlySpan<byte> bytes, string text)
        {
            if (text == null || bytes.Length != text.Length)
                return false;
            for (int i = 0; i < bytes.Length; i++)
            {
                if (bytes[i] != text[i])
                    return false;
            }
            return true;
        }
    }
}
