// Port 0x61, the PC's "system control port B": bit 0 gates 8254 counter 2, bit 1 enables the
// speaker, bits 2-3 enable parity and channel checks; reads add the DRAM refresh toggle (bit 4,
// flipping every 15.085 us, which old delay loops count) and counter 2's OUT (bit 5). Bits 6-7
// (parity and I/O channel check) read 0. Pure state machine; runs in VMX root on port exits;
// never allocates.
namespace BareVisor.Core.Devices
{
    public sealed class SystemControlPortB : PortDevice
    {
        public const ushort Port = 0x61;
        public const byte Counter2Gate = 0x01, SpeakerEnable = 0x02, RefreshToggle = 0x10, Counter2Output = 0x20;

        // 15.085 us at 1.193182 MHz is 18 ticks.
        private const ulong RefreshTicks = 18;

        private readonly I8254Pit _pit;
        private byte _control;

        public SystemControlPortB(I8254Pit pit) => _pit = pit;

        public override string Name => "system control port B";

        public bool ClaimPorts(PortBus bus) => bus.TryClaim(Port, 1, this);

        public override uint Read(ushort offset, int size)
        {
            byte value = _control;
            if ((_pit.Ticks / RefreshTicks & 1) != 0)
                value |= RefreshToggle;
            if (_pit.ChannelOutput(2))
                value |= Counter2Output;
            return value;
        }

        public override void Write(ushort offset, int size, uint value)
        {
            _control = (byte)(value & 0x0F);
            _pit.SetGate(2, (value & Counter2Gate) != 0);
        }
    }
}
