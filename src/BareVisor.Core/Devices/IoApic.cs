// The I/O APIC (82093AA register set, version 0x20, 24 inputs) at 0xFEC00000: IOREGSEL at 0x00,
// IOWIN at 0x10 and the EOI register at 0x40; registers ID, version, arbitration ID and the 24
// redirection entries. Devices drive the inputs through Pin(n). Edge-triggered entries deliver on
// a rising edge while unmasked (an edge while masked is lost); level-triggered entries deliver while
// the input is asserted and Remote IRR is clear, set Remote IRR, and deliver again after the EOI
// (the local APIC's broadcast, or the EOI register) if the input is still asserted.
// Messages go to the one LocalApic when its destination matches (0xFF is a broadcast in both APIC
// modes); Fixed and LowestPriority are delivered as fixed interrupts, the other delivery modes
// (SMI, NMI, INIT, ExtINT) are counted and dropped. The polarity bit is stored but not applied:
// an IInterruptLine's level already means asserted or not, whatever the wire's electrical sense.
// Remote IRR is set only when the message went to the local APIC, so a misrouted level entry does
// not wait forever for an EOI. Pure state machine; runs in VMX root on EPT exits and device
// events; never allocates after construction.
namespace BareVisor.Core.Devices
{
    public sealed class IoApic : MmioDevice, IEoiListener
    {
        public const ulong DefaultBase = 0xFEC00000;
        public const int WindowSize = 4096;
        public const int PinCount = 24;

        // Window offsets.
        public const ulong RegisterSelect = 0x00;
        public const ulong RegisterWindow = 0x10;
        public const ulong EoiRegister = 0x40;

        // Register indexes (IOREGSEL values).
        public const uint IdRegister = 0x00;
        public const uint VersionRegister = 0x01;
        public const uint ArbitrationRegister = 0x02;
        public const uint RedirectionTable = 0x10;   // entry n: low half at 0x10 + 2n, high half at 0x11 + 2n

        /// <summary>Version 0x20, highest redirection entry 23.</summary>
        public const uint Version = 0x00170020;

        // Redirection entry fields.
        public const ulong DeliveryModeMask = 7UL << 8;
        public const ulong LogicalDestinationMode = 1UL << 11;
        public const ulong ActiveLow = 1UL << 13;
        public const ulong RemoteIrr = 1UL << 14;
        public const ulong LevelTriggered = 1UL << 15;
        public const ulong Masked = 1UL << 16;

        private const uint IdMask = 0x0F00_0000;
        private const ulong LowWritable = 0x0001_AFFF;   // all but delivery status and Remote IRR
        private const ulong DestinationMask = 0xFF00_0000_0000_0000;
        private const ulong DeliveryFixed = 0, DeliveryLowestPriority = 1;

        private readonly LocalApic _apic;
        private readonly ulong[] _entries = new ulong[PinCount];
        private readonly bool[] _levels = new bool[PinCount];
        private readonly IoApicInput[] _inputs = new IoApicInput[PinCount];
        private uint _select;
        private uint _id;

        /// <summary>Connects to the local APIC, and becomes its EOI listener.</summary>
        public IoApic(LocalApic apic, byte id = 0)
        {
            _apic = apic;
            _id = ((uint)id << 24) & IdMask;
            for (int pin = 0; pin < PinCount; pin++)
            {
                _entries[pin] = Masked;
                _inputs[pin] = new IoApicInput(this, pin);
            }
            apic.EoiListener = this;
        }

        public override string Name => "I/O APIC";

        /// <summary>Messages with a delivery mode other than Fixed and LowestPriority, dropped; the platform may report them once.</summary>
        public ulong UnsupportedDeliveries { get; private set; }

        /// <summary>Messages whose destination did not include the local APIC.</summary>
        public ulong UnroutedDeliveries { get; private set; }

        /// <summary>The wire into input `pin` (0-23).</summary>
        public IInterruptLine Pin(int pin) => _inputs[pin];

        public ulong RedirectionEntry(int pin) => _entries[pin];

        /// <summary>Whether input `pin` is asserted.</summary>
        public bool PinLevel(int pin) => _levels[pin];

        /// <summary>Accesses at IOREGSEL, IOWIN and the EOI register use their low 32 bits; others read 0 and are dropped.</summary>
        public override ulong Read(ulong offset, int size)
        {
            if (offset == RegisterSelect)
                return _select;
            if (offset == RegisterWindow)
                return ReadRegister(_select);
            return 0;
        }

        public override void Write(ulong offset, int size, ulong value)
        {
            uint data = (uint)value;
            if (offset == RegisterSelect)
                _select = data & 0xFF;
            else if (offset == RegisterWindow)
                WriteRegister(_select, data);
            else if (offset == EoiRegister)
                EndOfInterrupt((byte)data);
        }

        /// <summary>An EOI for `vector`: clears Remote IRR of the level-triggered entries with it, which deliver again if still asserted.</summary>
        public void EndOfInterrupt(byte vector)
        {
            for (int pin = 0; pin < PinCount; pin++)
            {
                ulong entry = _entries[pin];
                if ((entry & RemoteIrr) == 0 || (byte)entry != vector)
                    continue;
                _entries[pin] = entry & ~RemoteIrr;
                DeliverIfAsserted(pin);
            }
        }

        private void SetPin(int pin, bool level)
        {
            bool rising = level && !_levels[pin];
            _levels[pin] = level;
            if (!rising)
                return;
            if ((_entries[pin] & LevelTriggered) != 0)
                DeliverIfAsserted(pin);
            else if ((_entries[pin] & Masked) == 0)
                Deliver(pin);
        }

        private uint ReadRegister(uint register)
        {
            if (register == IdRegister || register == ArbitrationRegister)
                return _id; // the arbitration ID is loaded from the ID
            if (register == VersionRegister)
                return Version;
            int pin = RedirectionPin(register);
            if (pin < 0)
                return 0;
            ulong entry = _entries[pin];
            return (register & 1) == 0 ? (uint)entry : (uint)(entry >> 32);
        }

        private void WriteRegister(uint register, uint value)
        {
            if (register == IdRegister)
            {
                _id = value & IdMask;
                return;
            }
            int pin = RedirectionPin(register);
            if (pin < 0)
                return;
            ulong entry = _entries[pin];
            if ((register & 1) == 0)
            {
                entry = (entry & ~LowWritable) | (value & LowWritable);
                if ((entry & LevelTriggered) == 0)
                    entry &= ~RemoteIrr; // Remote IRR means nothing for an edge-triggered entry
            }
            else
            {
                entry = (entry & ~DestinationMask) | (((ulong)value << 32) & DestinationMask);
            }
            _entries[pin] = entry;
            DeliverIfAsserted(pin);
        }

        private static int RedirectionPin(uint register) =>
            register >= RedirectionTable && register < RedirectionTable + 2 * PinCount ? (int)(register - RedirectionTable) / 2 : -1;

        // A level-triggered entry whose input is asserted, unmasked and not awaiting an EOI delivers.
        private void DeliverIfAsserted(int pin)
        {
            ulong entry = _entries[pin];
            if ((entry & (LevelTriggered | Masked | RemoteIrr)) == LevelTriggered && _levels[pin])
                Deliver(pin);
        }

        private void Deliver(int pin)
        {
            ulong entry = _entries[pin];
            ulong deliveryMode = (entry & DeliveryModeMask) >> 8;
            if (deliveryMode != DeliveryFixed && deliveryMode != DeliveryLowestPriority)
            {
                UnsupportedDeliveries++;
                return;
            }
            uint destination = (uint)(entry >> 56);
            if (destination != 0xFF && !_apic.MatchesDestination(destination, (entry & LogicalDestinationMode) != 0))
            {
                UnroutedDeliveries++;
                return;
            }
            bool level = (entry & LevelTriggered) != 0;
            _apic.Accept((byte)entry, level);
            if (level)
                _entries[pin] = entry | RemoteIrr;
        }

        private sealed class IoApicInput : IInterruptLine
        {
            private readonly IoApic _ioApic;
            private readonly int _pin;

            public IoApicInput(IoApic ioApic, int pin)
            {
                _ioApic = ioApic;
                _pin = pin;
            }

            public void Set(bool level) => _ioApic.SetPin(_pin, level);
        }
    }
}
