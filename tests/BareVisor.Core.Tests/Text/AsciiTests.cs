// Host test code.
using BareVisor.Core.Text;

namespace BareVisor.Core.Tests.Text
{
    public class AsciiTests
    {
        [Fact]
        public void StopsAtNul()
        {
            Assert.Equal("GRUB", Ascii.FromNulTerminated(new byte[] { (byte)'G', (byte)'R', (byte)'U', (byte)'B', 0, (byte)'x' }));
            Assert.Equal("ab", Ascii.FromNulTerminated(new byte[] { (byte)'a', (byte)'b' }));
            Assert.Equal("", Ascii.FromNulTerminated(new byte[] { 0, 1 }));
            Assert.Equal("", Ascii.FromNulTerminated(new byte[0]));
        }

        [Fact]
        public void Latin1BytesMapToTheSameCodePoints()
        {
            Assert.Equal("\u00e9", Ascii.FromNulTerminated(new byte[] { 0xE9, 0 }));
        }

        [Fact]
        public void EqualsAsciiComparesExactly()
        {
            byte[] apic = { (byte)'A', (byte)'P', (byte)'I', (byte)'C' };
            Assert.True(Ascii.EqualsAscii(apic, "APIC"));
            Assert.False(Ascii.EqualsAscii(apic, "API"));
            Assert.False(Ascii.EqualsAscii(apic, "apic"));
            Assert.False(Ascii.EqualsAscii(apic, null));
        }

        [Fact]
        public void FromPaddedTrimsSpacesAndNuls()
        {
            Assert.Equal("BOCHS", Ascii.FromPadded(new byte[] { (byte)'B', (byte)'O', (byte)'C', (byte)'H', (byte)'S', (byte)' ' }));
            Assert.Equal("", Ascii.FromPadded(new byte[] { 0, 0 }));
        }
    }
}
