// Host test code.
using BareVisor.Core.Acpi;

namespace BareVisor.Core.Tests.Acpi
{
    public class SleepStateFinderTests
    {
        // NameOp "_S5_" PackageOp, then the package bytes given (PkgLength, NumElements, elements).
        private static byte[] S5(params byte[] package)
        {
            byte[] aml = new byte[6 + package.Length];
            aml[0] = 0x08;
            aml[1] = (byte)'_'; aml[2] = (byte)'S'; aml[3] = (byte)'5'; aml[4] = (byte)'_';
            aml[5] = 0x12;
            package.CopyTo(aml, 6);
            return aml;
        }

        [Fact]
        public void BytePrefixedValues()
        {
            Assert.True(SleepStateFinder.TryFindS5(S5(0x0A, 0x04, 0x0A, 0x07, 0x0A, 0x03, 0x00, 0x00), out ushort a, out ushort b));
            Assert.Equal(7, a);
            Assert.Equal(3, b);
        }

        [Fact]
        public void ZeroAndOneOps()
        {
            // QEMU/Bochs PIIX4: Package { Zero, Zero, Zero, Zero }
            Assert.True(SleepStateFinder.TryFindS5(S5(0x06, 0x04, 0x00, 0x01, 0x00, 0x00), out ushort a, out ushort b));
            Assert.Equal(0, a);
            Assert.Equal(1, b);
        }

        [Fact]
        public void MultiBytePkgLengthAndWidePrefixes()
        {
            // PkgLength with one follow byte (lead bits 7:6 = 01), then WordPrefix and DWordPrefix values.
            Assert.True(SleepStateFinder.TryFindS5(S5(0x4A, 0x00, 0x02, 0x0B, 0x05, 0x00, 0x0C, 0x06, 0x00, 0x00, 0x00), out ushort a, out ushort b));
            Assert.Equal(5, a);
            Assert.Equal(6, b);
        }

        [Fact]
        public void SingleElementIsThePackedForm()
        {
            Assert.True(SleepStateFinder.TryFindS5(S5(0x04, 0x01, 0x0B, 0x07, 0x05), out ushort a, out ushort b));
            Assert.Equal(7, a);
            Assert.Equal(5, b);
        }

        [Fact]
        public void TruncatedOrStrangePackagesAreRejected()
        {
            Assert.False(SleepStateFinder.TryFindS5(S5(0x0A, 0x04, 0x0A), out _, out _));
            Assert.False(SleepStateFinder.TryFindS5(S5(0x0A, 0x00), out _, out _));
            Assert.False(SleepStateFinder.TryFindS5(S5(0xC0), out _, out _));
            Assert.False(SleepStateFinder.TryFindS5(S5(0x0A, 0x02, 0x70, 0x00), out _, out _));
            Assert.False(SleepStateFinder.TryFindS5(new byte[] { (byte)'_', (byte)'S', (byte)'5', (byte)'_' }, out _, out _));
        }

        [Fact]
        public void SkipsAFalseMatchAndFindsTheRealOne()
        {
            // A "_S5_" that is a method name (no PackageOp) before the real package.
            byte[] aml = { 0x14, 0x08, (byte)'_', (byte)'S', (byte)'5', (byte)'_', 0x00, 0xA4, 0x00,
                           0x08, (byte)'_', (byte)'S', (byte)'5', (byte)'_', 0x12, 0x06, 0x02, 0x0A, 0x02, 0x0A, 0x03 };
            Assert.True(SleepStateFinder.TryFindS5(aml, out ushort a, out ushort b));
            Assert.Equal(2, a);
            Assert.Equal(3, b);
        }
    }
}
