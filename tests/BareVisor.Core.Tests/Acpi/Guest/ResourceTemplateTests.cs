// Host test code. Each resource descriptor's bytes, as iasl compiles the matching ASL macro
// (ACPI spec 6.4.2.5, 6.4.3.5.2, 6.4.3.5.3 and 6.4.2.9).
using BareVisor.Core.Acpi.Guest;

namespace BareVisor.Core.Tests.Acpi.Guest
{
    public class ResourceTemplateTests
    {
        private readonly ResourceTemplate _crs = new ResourceTemplate(64);

        [Fact]
        public void WordBusNumber()
        {
            _crs.WordBusNumber(0, 0xFF);
            Assert.Equal(new byte[] { 0x88, 0x0D, 0x00, 0x02, 0x0C, 0x00, 0, 0, 0x00, 0x00, 0xFF, 0x00, 0, 0, 0x00, 0x01 }, _crs.Bytes.ToArray());
        }

        [Fact]
        public void WordIoCoversTheEntireRange()
        {
            _crs.WordIo(0x0D00, 0xFFFF);
            Assert.Equal(new byte[] { 0x88, 0x0D, 0x00, 0x01, 0x0C, 0x03, 0, 0, 0x00, 0x0D, 0xFF, 0xFF, 0, 0, 0x00, 0xF3 }, _crs.Bytes.ToArray());
        }

        [Fact]
        public void FixedIoPorts()
        {
            _crs.Io(0xCF8, 8);
            Assert.Equal(new byte[] { 0x47, 0x01, 0xF8, 0x0C, 0xF8, 0x0C, 0x01, 0x08 }, _crs.Bytes.ToArray());
        }

        [Theory]
        [InlineData(true, 0x03)]
        [InlineData(false, 0x01)]
        public void DWordMemoryIsReadWriteAndCacheableOrNot(bool cacheable, byte typeFlags)
        {
            _crs.DWordMemory(cacheable, 0xA0000, 0xBFFFF);
            Assert.Equal(new byte[]
            {
                0x87, 0x17, 0x00, 0x00, 0x0C, typeFlags,
                0, 0, 0, 0, 0x00, 0x00, 0x0A, 0x00, 0xFF, 0xFF, 0x0B, 0x00, 0, 0, 0, 0, 0x00, 0x00, 0x02, 0x00,
            }, _crs.Bytes.ToArray());
        }

        [Fact]
        public void DescriptorsFollowEachOtherUpToTheEndTag()
        {
            _crs.Io(0xCF8, 8);
            _crs.EndTag();
            Assert.Equal(new byte[] { 0x47, 0x01, 0xF8, 0x0C, 0xF8, 0x0C, 0x01, 0x08, 0x79, 0x00 }, _crs.Bytes.ToArray());
        }
    }
}
