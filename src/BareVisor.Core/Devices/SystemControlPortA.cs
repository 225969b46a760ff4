// Port 0x92, the PC's "system control port A" (PS/2 and later chipsets): writing bit 0 as 1 resets
// the machine at once ("fast reset", which Linux's reboot=p and many boot loaders use); bit 1 is
// the fast A20 gate. Simplification: BareVisor's guests always run with A20 enabled, so bit 1 is
// kept and read back but never wraps memory. Bit 0 reads 0 (the reset has happened by then); the
// other bits read back as written. Pure state machine; runs in VMX root on port exits; never
// allocates.
namespace BareVisor.Core.Devices
{
    public sealed class SystemControlPortA : PortDevice
    {
        public const ushort Port = 0x92;
        public const byte FastReset = 0x01, A20Gate = 0x02;

        private readonly DeviceRequests _requests;
        private byte _value = A20Gate;

        public SystemControlPortA(DeviceRequests requests) => _requests = requests;

        public override string Name => "system control port A";

        public bool ClaimPorts(PortBus bus) => bus.TryClaim(Port, 1, this);

        public override uint Read(ushort offset, int size) => _value;

        public override void Write(ushort offset, int size, uint value)
        {
            _value = (byte)(value & ~FastReset);
            if ((value & FastReset) != 0)
                _requests.RecordReset(ResetSource.SystemControlPortA);
        }
    }
}
