// Host test code.
using BareVisor.Core.Memory;

namespace BareVisor.Core.Tests.Memory
{
    public class AddressesTests
    {
        [Fact]
        public void HostPhysicalArithmeticAndComparison()
        {
            HostPhysical a = new HostPhysical(0x1000);
            HostPhysical b = a + 0x234;
            Assert.Equal(0x1234UL, b.Value);
            Assert.Equal(0x234UL, b - a);
            Assert.True(a < b && b > a && a <= new HostPhysical(0x1000) && b >= a && a != b && a == new HostPhysical(0x1000));
            Assert.True(a.Equals(new HostPhysical(0x1000)));
            Assert.False(a.Equals((object)new HostVirtual(0x1000)));
            Assert.Equal(new HostPhysical(0x1000).GetHashCode(), a.GetHashCode());
        }

        [Fact]
        public void Alignment()
        {
            HostPhysical p = new HostPhysical(0x1234);
            Assert.False(p.IsPageAligned);
            Assert.Equal(0x1000UL, p.AlignDown(0x1000).Value);
            Assert.Equal(0x2000UL, p.AlignUp(0x1000).Value);
            Assert.Equal(0x200000UL, p.AlignUp(0x200000).Value);
            Assert.True(new HostVirtual(0xFFFF_8000_0000_0000).IsPageAligned);
            Assert.Equal(0x3000UL, new GuestPhysical(0x2001).AlignUp(0x1000).Value);
            Assert.Equal(0x2000UL, new GuestPhysical(0x2fff).AlignDown(0x1000).Value);
        }

        [Fact]
        public void GuestAndVirtualHaveTheSameOperators()
        {
            GuestPhysical g = new GuestPhysical(10) + 5;
            Assert.Equal(15UL, g.Value);
            Assert.Equal(5UL, g - new GuestPhysical(10));
            Assert.True(new GuestPhysical(1) < g);
            HostVirtual v = new HostVirtual(0x10) + 0x10;
            Assert.Equal(0x20UL, v.Value);
            Assert.True(v >= new HostVirtual(0x20) && v == new HostVirtual(0x20));
        }

        [Fact]
        public void RangeOverlapAndContainment()
        {
            PhysicalRange r = new PhysicalRange(new HostPhysical(0x1000), new HostPhysical(0x3000));
            Assert.Equal(0x2000UL, r.Length);
            Assert.True(r.Contains(new HostPhysical(0x1000)));
            Assert.True(r.Contains(new HostPhysical(0x2fff)));
            Assert.False(r.Contains(new HostPhysical(0x3000)));
            Assert.True(r.Overlaps(PhysicalRange.FromLength(new HostPhysical(0x2fff), 1)));
            Assert.False(r.Overlaps(PhysicalRange.FromLength(new HostPhysical(0x3000), 0x1000)));
            Assert.False(r.Overlaps(PhysicalRange.FromLength(new HostPhysical(0x0), 0x1000)));
            Assert.False(r.Overlaps(PhysicalRange.FromLength(new HostPhysical(0x2000), 0)));
        }

        [Fact]
        public void FromLengthClampsAtTheTopAndInvertedRangesAreEmpty()
        {
            PhysicalRange top = PhysicalRange.FromLength(new HostPhysical(ulong.MaxValue - 10), 100);
            Assert.Equal(ulong.MaxValue, top.End.Value);
            PhysicalRange inverted = new PhysicalRange(new HostPhysical(0x2000), new HostPhysical(0x1000));
            Assert.True(inverted.IsEmpty);
            Assert.Equal(0UL, inverted.Length);
        }
    }
}
