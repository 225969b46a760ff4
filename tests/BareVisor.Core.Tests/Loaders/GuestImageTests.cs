// Host test code. Telling image formats apart.
using BareVisor.Core.Loaders;

namespace BareVisor.Core.Tests.Loaders
{
    public class GuestImageTests
    {
        [Fact]
        public void DetectsEachFormat()
        {
            Assert.Equal(GuestImageFormat.LinuxBzImage, GuestImage.Detect(new BzImageBuilder().Build()));
            byte[] mb1 = new byte[0x1000];
            MultibootHeaders.Multiboot1(3).CopyTo(mb1, 0x100);
            Assert.Equal(GuestImageFormat.Multiboot1, GuestImage.Detect(mb1));
            byte[] mb2 = new byte[0x1000];
            MultibootHeaders.Multiboot2().CopyTo(mb2, 0x100);
            Assert.Equal(GuestImageFormat.Multiboot2, GuestImage.Detect(mb2));
            Assert.Equal(GuestImageFormat.Unknown, GuestImage.Detect(new byte[0x1000]));
            Assert.Equal(GuestImageFormat.Unknown, GuestImage.Detect(new byte[3]));
        }

        [Fact]
        public void ABadChecksumIsNotAHeader()
        {
            byte[] image = new byte[0x1000];
            MultibootHeaders.Multiboot1(3, checksum: 7).CopyTo(image, 0);
            Assert.Equal(GuestImageFormat.Unknown, GuestImage.Detect(image));
        }
    }
}
