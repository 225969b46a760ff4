// Host test code. isa-debug-exit at 0xF4-0xF7: the exit status (v << 1) | 1 for each access width
// and port, and reads of all ones.
using BareVisor.Core.Devices;

namespace BareVisor.Core.Tests.Devices
{
    public class DebugExitPortTests
    {
        private readonly PortBus _bus = new PortBus();
        private readonly DeviceRequests _requests = new DeviceRequests();

        public DebugExitPortTests() => Assert.True(new DebugExitPort(_requests).ClaimPorts(_bus));

        [Theory]
        [InlineData(0xF4, 1, 0x00u, 0x01u)]
        [InlineData(0xF4, 1, 0x01u, 0x03u)]
        [InlineData(0xF4, 1, 0x1FFu, 0x1FFu)]          // only the byte written counts
        [InlineData(0xF4, 2, 0x1234u, 0x2469u)]
        [InlineData(0xF4, 4, 0x7FFFFFFFu, 0xFFFFFFFFu)]
        [InlineData(0xF4, 4, 0x80000001u, 0x00000003u)] // bit 31 is shifted out, as in QEMU
        [InlineData(0xF5, 1, 0x02u, 0x05u)]
        [InlineData(0xF7, 1, 0x10u, 0x21u)]
        public void AWriteEndsTheGuestWithAnOddStatus(int port, int size, uint value, uint status)
        {
            Assert.True(_bus.TryWrite((ushort)port, size, value));
            Assert.Equal(DeviceRequest.DebugExit, _requests.Pending);
            Assert.Equal(status, _requests.Status);
            Assert.Equal("isa-debug-exit with status " + status, _requests.StopReason);
        }

        [Theory]
        [InlineData(1, 0xFFu)]
        [InlineData(2, 0xFFFFu)]
        [InlineData(4, 0xFFFFFFFFu)]
        public void ReadsAreAllOnes(int size, uint expected)
        {
            Assert.True(_bus.TryRead(0xF4, size, out uint value));
            Assert.Equal(expected, value);
            Assert.Equal(DeviceRequest.None, _requests.Pending);
        }

        [Fact]
        public void ClaimsFourPorts()
        {
            Assert.False(_bus.TryClaim(0xF7, 1, new PostCodePort()));
            Assert.True(_bus.TryClaim(0xF8, 1, new PostCodePort()));
            Assert.True(_bus.TryClaim(0xF3, 1, new PostCodePort()));
            Assert.Equal(7u, DebugExitPort.ExitStatus(3));
            Assert.Equal("debug exit", new DebugExitPort(null).Name);
        }

        [Fact]
        public void WithoutRequestsAWriteDoesNothing() => new DebugExitPort(null).Write(0, 1, 1);
    }
}
