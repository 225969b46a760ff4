// Host test code. Port 0x92: bit 0 written as 1 is a fast reset of the machine; bit 1 (fast A20)
// and the other bits read back as written; bit 0 always reads 0.
using BareVisor.Core.Devices;

namespace BareVisor.Core.Tests.Devices
{
    public class SystemControlPortATests
    {
        private readonly DeviceRequests _requests = new DeviceRequests();
        private readonly SystemControlPortA _port;

        public SystemControlPortATests() => _port = new SystemControlPortA(_requests);

        [Fact]
        public void A20IsOnAtResetAndNothingIsRequested()
        {
            Assert.Equal((uint)SystemControlPortA.A20Gate, _port.Read(0, 1));
            Assert.Equal(DeviceRequest.None, _requests.Pending);
        }

        [Theory]
        [InlineData(0x00u)]
        [InlineData(0x02u)]
        [InlineData(0xC2u)]
        public void WritesWithoutBit0ReadBackAndResetNothing(uint value)
        {
            _port.Write(0, 1, value);
            Assert.Equal(value, _port.Read(0, 1));
            Assert.Equal(DeviceRequest.None, _requests.Pending);
        }

        [Fact]
        public void Bit0IsAFastResetAndReadsZero()
        {
            _port.Write(0, 1, 0x03);
            Assert.Equal(DeviceRequest.Reset, _requests.Pending);
            Assert.Equal(ResetSource.SystemControlPortA, _requests.ResetSource);
            Assert.Equal("reset through port 0x92 (fast reset)", _requests.StopReason);
            Assert.Equal(0x02u, _port.Read(0, 1));
        }
    }
}
