// The 8254 programmable interval timer at ports 0x40-0x43, clocked at 1.193182 MHz: counters 0-2
// (modes 0-5, LSB/MSB/LSB-then-MSB access, binary or BCD), the counter latch and read-back
// commands. Counter 0's OUT drives IRQ 0; counter 2's gate and OUT are wired to port 0x61 (see
// SystemControlPortB). Time only moves in Advance: the platform advances the timer to the present
// before each access to its ports, and asks NextEventNanoseconds how long a halted vCPU may sleep.
// Pure state machine; runs in VMX root on port exits; never allocates after construction.
namespace BareVisor.Core.Devices
{
    public sealed class I8254Pit : PortDevice
    {
        public const ushort Port = 0x40;
        public const ushort PortCount = 4;
        public const byte Irq = 0;
        public const ulong InputHertz = 1_193_182;

        private readonly I8254Channel[] _channels = new I8254Channel[3];
        private readonly IInterruptLine _irq;
        private TickClock _clock = new TickClock(InputHertz);
        private bool _irqLevel;

        /// <param name="irq0">The IRQ 0 wire (null: not wired).</param>
        public I8254Pit(IInterruptLine irq0)
        {
            _irq = InterruptLines.OrNone(irq0);
            // Counters 0 and 1 have their gates tied high on a PC; counter 2's gate is port 0x61 bit 0.
            _channels[0] = new I8254Channel(true);
            _channels[1] = new I8254Channel(true);
            _channels[2] = new I8254Channel(false);
        }

        public override string Name => "8254 PIT";

        /// <summary>Claims 0x40-0x43 (port 0x61 is SystemControlPortB's); false if any is taken.</summary>
        public bool ClaimPorts(PortBus bus) => bus.TryClaim(Port, PortCount, this);

        /// <summary>Input clock ticks since the timer was created.</summary>
        public ulong Ticks => _clock.Ticks;

        public I8254Channel Channel(int index) => _channels[index];

        /// <summary>The level counter 0 drives on IRQ 0 now.</summary>
        public bool InterruptLevel => _irqLevel;

        /// <summary>
        /// Nanoseconds until counter 0's OUT next rises (an IRQ 0 edge), or ulong.MaxValue when it
        /// will not rise without the guest reprogramming it.
        /// </summary>
        public ulong NextEventNanoseconds
        {
            get
            {
                ulong now = _clock.Ticks;
                ulong edge = _channels[0].NextRisingEdge(now);
                return edge == ulong.MaxValue ? ulong.MaxValue : _clock.NanosecondsUntil(edge - now);
            }
        }

        /// <summary>
        /// Moves time forward. IRQ 0 sees a rising edge if counter 0's OUT rose at least once in the
        /// interval (the 8259 keeps one request per input, so further edges would be merged anyway).
        /// </summary>
        public void Advance(ulong nanoseconds)
        {
            ulong before = _clock.Ticks;
            _clock.Advance(nanoseconds);
            ulong now = _clock.Ticks;
            if (now == before)
                return;
            bool rose = _channels[0].NextRisingEdge(before) <= now;
            if (rose)
            {
                if (_irqLevel)
                    _irq.Set(false);
                _irq.Set(true);
                _irqLevel = true;
            }
            UpdateInterrupt();
        }

        public bool ChannelOutput(int channel) => _channels[channel].Output(_clock.Ticks);

        public void SetGate(int channel, bool level)
        {
            _channels[channel].SetGate(level, _clock.Ticks);
            UpdateInterrupt();
        }

        public override uint Read(ushort offset, int size)
        {
            if (offset >= 3)
                return 0xFF; // the control word register cannot be read
            return _channels[offset].ReadPort(_clock.Ticks);
        }

        public override void Write(ushort offset, int size, uint value)
        {
            byte data = (byte)value;
            if (offset < 3)
                _channels[offset].WritePort(data, _clock.Ticks);
            else
                WriteControl(data);
            UpdateInterrupt();
        }

        private void WriteControl(byte control)
        {
            ulong now = _clock.Ticks;
            int select = control >> 6;
            if (select == 3)
            {
                ReadBack(control, now);
                return;
            }
            if ((control & 0x30) == 0)
                _channels[select].LatchCount(now);
            else
                _channels[select].Program(control);
        }

        // Read-back: bit 5 clear latches the counts, bit 4 clear latches the status, of the
        // counters selected by bits 1-3.
        private void ReadBack(byte control, ulong now)
        {
            for (int i = 0; i < 3; i++)
            {
                if ((control & (2 << i)) == 0)
                    continue;
                if ((control & 0x10) == 0)
                    _channels[i].LatchStatus(now);
                if ((control & 0x20) == 0)
                    _channels[i].LatchCount(now);
            }
        }

        private void UpdateInterrupt()
        {
            bool level = _channels[0].Output(_clock.Ticks);
            if (level == _irqLevel)
                return;
            _irqLevel = level;
            _irq.Set(level);
        }
    }
}
