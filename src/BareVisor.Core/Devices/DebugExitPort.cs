// QEMU's isa-debug-exit device as BareVisor's own tests configure it (iobase 0xF4, iosize 4): a
// write of v, of any width, to any of its ports ends the guest with exit status (v << 1) | 1, so
// a guest's status is odd (recorded as a DeviceRequest.DebugExit) and cannot be mistaken for an ordinary exit. Reads return all ones.
// Runs in VMX root on port exits; never allocates after construction.
namespace BareVisor.Core.Devices
{
    public sealed class DebugExitPort : PortDevice
    {
        public const ushort Port = 0xF4;
        public const ushort PortCount = 4;

        private readonly DeviceRequests _requests;

        /// <param name="requests">Where a write's exit status is recorded (null: nowhere).</param>
        public DebugExitPort(DeviceRequests requests) => _requests = requests;

        public override string Name => "debug exit";

        public bool ClaimPorts(PortBus bus) => bus.TryClaim(Port, PortCount, this);

        public static uint ExitStatus(uint value) => (value << 1) | 1;

        public override uint Read(ushort offset, int size) => PortBus.AllOnes(size);

        public override void Write(ushort offset, int size, uint value) =>
            _requests?.Record(DeviceRequest.DebugExit, ExitStatus(value & PortBus.AllOnes(size)));
    }
}
