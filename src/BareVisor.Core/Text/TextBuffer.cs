// Pure logic; no hardware. Never allocates except ToString, so it is safe in exit handlers and panic paths.
using System;

namespace BareVisor.Core.Text
{
    /// <summary>
    /// Formats text into caller-supplied storage (usually stackalloc). The runtime has no number
    /// formatting or string interpolation, so this is how Core and the kernel build messages.
    /// When the storage is full, further text is dropped and <see cref="Truncated"/> is set.
    /// </summary>
    public ref struct TextBuffer
    {
        private readonly Span<char> storage;
        private int length;
        private bool truncated;

        public TextBuffer(Span<char> storage)
        {
            this.storage = storage;
            length = 0;
            truncated = false;
        }

        public int Length => length;
        public bool Truncated => truncated;
        public ReadOnlySpan<char> Text => storage.Slice(0, length);

        public void Clear()
        {
            length = 0;
            truncated = false;
        }

        public void Append(char c)
        {
            if (length < storage.Length)
                storage[length++] = c;
            else
                truncated = true;
        }

        public void Append(string text)
        {
            if (text != null)
                Append(text.AsSpan());
        }

        public void Append(scoped ReadOnlySpan<char> text)
        {
            for (int i = 0; i < text.Length; i++)
                Append(text[i]);
        }

        public void AppendDecimal(long value)
        {
            if (value < 0)
            {
                Append('-');
                // -(value + 1) + 1 avoids overflowing on long.MinValue.
                AppendDecimal((ulong)(-(value + 1)) + 1);
                return;
            }
            AppendDecimal((ulong)value);
        }

        public void AppendDecimal(ulong value)
        {
            Span<char> digits = stackalloc char[20];
            int count = 0;
            do
            {
                digits[count++] = (char)('0' + (int)(value % 10));
                value /= 10;
            } while (value != 0);
            AppendReversed(digits.Slice(0, count));
        }

        /// <summary>Lowercase hexadecimal without a prefix, zero-padded to at least minDigits (at most 16).</summary>
        public void AppendHex(ulong value, int minDigits = 1)
        {
            Span<char> digits = stackalloc char[16];
            int count = 0;
            do
            {
                int nibble = (int)(value & 0xF);
                digits[count++] = (char)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);
                value >>= 4;
            } while (value != 0);
            int wanted = Math.Min(minDigits, 16);
            while (count < wanted)
                digits[count++] = '0';
            AppendReversed(digits.Slice(0, count));
        }

        public void AppendHexPrefixed(ulong value, int minDigits = 1)
        {
            Append('0');
            Append('x');
            AppendHex(value, minDigits);
        }

        /// <summary>Appends text, then spaces up to width characters (for aligned columns).</summary>
        public void AppendPadded(scoped ReadOnlySpan<char> text, int width)
        {
            Append(text);
            for (int i = text.Length; i < width; i++)
                Append(' ');
        }

        /// <summary>Right-aligns a decimal number in a field of width characters.</summary>
        public void AppendDecimalPadded(ulong value, int width)
        {
            int digits = 1;
            for (ulong rest = value / 10; rest != 0; rest /= 10)
                digits++;
            for (int i = digits; i < width; i++)
                Append(' ');
            AppendDecimal(value);
        }

        /// <summary>A byte count in binary units: "12 bytes", "640 KiB", "1.5 GiB" (one decimal, truncated, when not whole).</summary>
        public void AppendSize(ulong bytes)
        {
            if (bytes < 1024)
            {
                AppendDecimal(bytes);
                Append(bytes == 1 ? " byte" : " bytes");
                return;
            }
            int unit = 0;
            ulong unitSize = 1024;
            while (unit < 5 && bytes / unitSize >= 1024)
            {
                unitSize <<= 10;
                unit++;
            }
            AppendDecimal(bytes / unitSize);
            ulong remainder = bytes % unitSize;
            if (remainder != 0)
            {
                Append('.');
                // remainder < 2^60 for EiB, so remainder * 10 cannot overflow.
                AppendDecimal(remainder * 10 / unitSize);
            }
            Append(UnitName(unit));
        }

        private static string UnitName(int unit)
        {
            switch (unit)
            {
                case 0: return " KiB";
                case 1: return " MiB";
                case 2: return " GiB";
                case 3: return " TiB";
                case 4: return " PiB";
                default: return " EiB";
            }
        }

        private void AppendReversed(scoped ReadOnlySpan<char> digits)
        {
            for (int i = digits.Length - 1; i >= 0; i--)
                Append(digits[i]);
        }

        /// <summary>Allocates a new string holding the text so far.</summary>
        public override string ToString() => new string(Text);
    }
}
