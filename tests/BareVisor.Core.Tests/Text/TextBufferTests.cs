// Host test code.
using System;
using BareVisor.Core.Text;

namespace BareVisor.Core.Tests.Text
{
    public class TextBufferTests
    {

        [Theory]
        [InlineData(0L, "0")]
        [InlineData(7L, "7")]
        [InlineData(-42L, "-42")]
        [InlineData(long.MaxValue, "9223372036854775807")]
        [InlineData(long.MinValue, "-9223372036854775808")]
        public void SignedDecimal(long value, string expected)
        {
            TextBuffer t = new TextBuffer(stackalloc char[64]);
            t.AppendDecimal(value);
            Assert.Equal(expected, t.ToString());
        }

        [Fact]
        public void UnsignedDecimal()
        {
            TextBuffer t = new TextBuffer(stackalloc char[64]);
            t.AppendDecimal(ulong.MaxValue);
            Assert.Equal("18446744073709551615", t.ToString());
        }

        [Theory]
        [InlineData(0UL, 1, "0")]
        [InlineData(0UL, 4, "0000")]
        [InlineData(0xABCUL, 1, "abc")]
        [InlineData(0xABCUL, 8, "00000abc")]
        [InlineData(0xFFFF_FFFF_FFFF_FFFFUL, 1, "ffffffffffffffff")]
        [InlineData(0x1UL, 40, "0000000000000001")]
        public void Hex(ulong value, int minDigits, string expected)
        {
            TextBuffer t = new TextBuffer(stackalloc char[64]);
            t.AppendHex(value, minDigits);
            Assert.Equal(expected, t.ToString());
            t.Clear();
            t.AppendHexPrefixed(value, minDigits);
            Assert.Equal("0x" + expected, t.ToString());
        }

        [Theory]
        [InlineData(0UL, "0 bytes")]
        [InlineData(1UL, "1 byte")]
        [InlineData(12UL, "12 bytes")]
        [InlineData(1023UL, "1023 bytes")]
        [InlineData(640UL * 1024, "640 KiB")]
        [InlineData(1536UL, "1.5 KiB")]
        [InlineData(512UL << 20, "512 MiB")]
        [InlineData(3UL << 29, "1.5 GiB")]
        [InlineData((1UL << 30) - 1, "1023.9 MiB")]
        [InlineData(1UL << 40, "1 TiB")]
        [InlineData(ulong.MaxValue, "15.9 EiB")]
        public void Sizes(ulong bytes, string expected)
        {
            TextBuffer t = new TextBuffer(stackalloc char[64]);
            t.AppendSize(bytes);
            Assert.Equal(expected, t.ToString());
        }

        [Fact]
        public void TruncatesWhenFull()
        {
            TextBuffer t = new TextBuffer(stackalloc char[5]);
            t.Append("abc");
            Assert.False(t.Truncated);
            t.AppendDecimal(123456UL);
            Assert.True(t.Truncated);
            Assert.Equal("abc12", t.ToString());
            Assert.Equal(5, t.Length);
            t.Clear();
            Assert.False(t.Truncated);
            Assert.Equal(0, t.Length);
        }

        [Fact]
        public void EmptyStorageNeverThrows()
        {
            TextBuffer t = new TextBuffer(Span<char>.Empty);
            t.Append('x');
            t.AppendSize(1 << 20);
            t.AppendHexPrefixed(5, 2);
            Assert.True(t.Truncated);
            Assert.Equal("", t.ToString());
        }

        [Fact]
        public void MixedAppendsAndPadding()
        {
            TextBuffer t = new TextBuffer(stackalloc char[64]);
            t.Append('[');
            t.AppendPadded("ab".AsSpan(), 4);
            t.Append(']');
            t.AppendDecimalPadded(42, 5);
            t.Append((string)null);
            t.Append(" ok".AsSpan());
            Assert.Equal("[ab  ]   42 ok", t.Text.ToString());
        }
    }
}
