// Host test code.
using System;
using BareVisor.Core.Boot;
using BareVisor.Core.Memory;
using BareVisor.Core.Tests.Fakes;

namespace BareVisor.Core.Tests.Boot
{
    public class RsdpTests
    {
        private static byte[] BiosArea(int rsdpOffset, byte[] rsdp)
        {
            byte[] area = new byte[0x20000];
            rsdp.CopyTo(area, rsdpOffset);
            return area;
        }

        [Fact]
        public void FindsAVersion2RsdpOn16ByteBoundary()
        {
            byte[] area = BiosArea(0xF5A0, AcpiImage.Rsdp(2, 0x7FE1000, 0x7FE2000));
            Assert.True(Rsdp.TryFind(area, new HostPhysical(0xE0000), out HostPhysical rsdp));
            Assert.Equal(0xE0000UL + 0xF5A0, rsdp.Value);
        }

        [Fact]
        public void IgnoresSignaturesOffTheBoundary()
        {
            byte[] area = BiosArea(0x1008, AcpiImage.Rsdp(0, 0x1000, 0));
            Assert.False(Rsdp.TryFind(area, new HostPhysical(0xE0000), out _));
        }

        [Fact]
        public void BoundaryIsRelativeToThePhysicalAddress()
        {
            // The area starts 8 bytes past a 16-byte boundary, so offset 8 is aligned physically.
            byte[] area = BiosArea(0x18, AcpiImage.Rsdp(0, 0x1000, 0));
            Assert.True(Rsdp.TryFind(area, new HostPhysical(0x9FC08), out HostPhysical rsdp));
            Assert.Equal(0x9FC20UL, rsdp.Value);
        }

        [Fact]
        public void SkipsBadChecksumsAndFindsTheNextCandidate()
        {
            byte[] bad = AcpiImage.Rsdp(0, 0x1000, 0);
            bad[8] ^= 0xFF;
            byte[] area = BiosArea(0x100, bad);
            AcpiImage.Rsdp(0, 0x2000, 0).CopyTo(area, 0x200);
            Assert.True(Rsdp.TryFind(area, new HostPhysical(0xE0000), out HostPhysical rsdp));
            Assert.Equal(0xE0200UL, rsdp.Value);
        }

        [Fact]
        public void BadExtendedChecksumIsRejected()
        {
            byte[] v2 = AcpiImage.Rsdp(2, 0x1000, 0x2000);
            v2[32] ^= 0x55;
            Assert.False(Rsdp.TryFind(BiosArea(0x40, v2), new HostPhysical(0xE0000), out _));
        }

        [Fact]
        public void SignatureAtTheVeryEndDoesNotReadPastTheArea()
        {
            byte[] area = new byte[0x30];
            Array.Copy(AcpiImage.Rsdp(0, 0x1000, 0), 0, area, 0x20, 16);
            Assert.False(Rsdp.TryFind(area, new HostPhysical(0xE0000), out _));
            Assert.False(Rsdp.TryFind(ReadOnlySpan<byte>.Empty, new HostPhysical(0), out _));
        }
    }
}
