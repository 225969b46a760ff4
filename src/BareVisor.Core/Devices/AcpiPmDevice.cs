// The ACPI fixed-hardware PM registers (ACPI spec 4.8.3) at ports 0x600-0x60B, as the guest's
// FADT describes them: PM1a_STS (0x600) and PM1a_EN (0x602), PM1a_CNT (0x604), and the PM timer
// (0x608). 0x606-0x607 belong to no register and read all ones.
// - Status bits are write-1-to-clear. Only two are ever set: TMR_STS, each time bit 23 of the
//   24-bit timer changes, and WAK_STS (see sleep below). The SCI (ISA IRQ 9, level) is high while
//   a status bit is set whose enable bit is set.
// - PM1_CNT: SCI_EN always reads 1 (no SMM; ACPI mode is permanent). Writing SLP_EN with SLP_TYP
//   SleepTypeS5 records a DeviceRequest.PowerOff. Any other SLP_TYP is not a state this machine has
//   (the DSDT offers only \_S5): the request is ignored, counted in IgnoredSleepRequests and
//   remembered in LastIgnoredSleepType, and WAK_STS is set as if the machine had woken at once,
//   so an OS polling for the wake does not hang. GBL_RLS (an SMI to firmware) does nothing.
// - PM_TMR: a free-running 24-bit counter at 3.579545 MHz from the device's own time, which only
//   moves in Advance; writes are ignored. Bits 31:24 read 0 (FADT TMR_VAL_EXT is clear).
// Accesses of any width reach each byte they cover. Pure state machine; runs in VMX root on port
// exits; never allocates after construction.
namespace BareVisor.Core.Devices
{
    public sealed class AcpiPmDevice : PortDevice
    {
        public const ushort Port = 0x600;
        public const ushort PortCount = 12;
        public const byte Irq = 9;

        // Register offsets from Port, and the FADT's block lengths.
        public const ushort Pm1StatusOffset = 0, Pm1EnableOffset = 2, Pm1ControlOffset = 4, PmTimerOffset = 8;
        public const byte Pm1EventLength = 4, Pm1ControlLength = 2, PmTimerLength = 4;

        public const ulong TimerHertz = 3_579_545;
        public const int TimerBits = 24;

        /// <summary>The SLP_TYP of \_S5 in the guest's DSDT: writing it with SLP_EN powers off.</summary>
        public const byte SleepTypeS5 = 5;

        // PM1_STS and PM1_EN bits.
        public const ushort TimerStatus = 1 << 0, BusMasterStatus = 1 << 4, GlobalStatus = 1 << 5,
            PowerButtonStatus = 1 << 8, SleepButtonStatus = 1 << 9, RtcStatus = 1 << 10,
            PciExpressWakeStatus = 1 << 14, WakeStatus = 1 << 15;
        public const ushort TimerEnable = 1 << 0, GlobalEnable = 1 << 5, PowerButtonEnable = 1 << 8,
            SleepButtonEnable = 1 << 9, RtcEnable = 1 << 10, PciExpressWakeDisable = 1 << 14;

        // PM1_CNT bits.
        public const ushort SciEnable = 1 << 0, BusMasterReload = 1 << 1, GlobalRelease = 1 << 2,
            SleepTypeShift = 10, SleepTypeMask = 7 << 10, SleepEnable = 1 << 13;

        private const ushort StatusBits = TimerStatus | BusMasterStatus | GlobalStatus | PowerButtonStatus
            | SleepButtonStatus | RtcStatus | PciExpressWakeStatus | WakeStatus;
        private const ushort EnableBits = TimerEnable | GlobalEnable | PowerButtonEnable | SleepButtonEnable
            | RtcEnable | PciExpressWakeDisable;
        private const ushort SciSources = TimerEnable | GlobalEnable | PowerButtonEnable | SleepButtonEnable | RtcEnable;
        private const ushort ControlBits = BusMasterReload | SleepTypeMask; // kept as written

        private const ulong TimerMask = (1UL << TimerBits) - 1;
        private const ulong TimerStatusPeriod = 1UL << (TimerBits - 1); // ticks between changes of the top bit

        private readonly IInterruptLine _sci;
        private readonly DeviceRequests _requests;
        private TickClock _clock = new TickClock(TimerHertz);
        private ushort _status;
        private ushort _enable;
        private ushort _control;
        private bool _sciLevel;

        /// <param name="sci">The SCI wire, ISA IRQ 9 (null: not wired).</param>
        /// <param name="requests">Where entering S5 is recorded (null: nowhere).</param>
        public AcpiPmDevice(IInterruptLine sci, DeviceRequests requests)
        {
            _sci = InterruptLines.OrNone(sci);
            _requests = requests;
        }

        public override string Name => "ACPI PM registers";

        public bool ClaimPorts(PortBus bus) => bus.TryClaim(Port, PortCount, this);

        public ushort Status => _status;
        public ushort Enable => _enable;

        /// <summary>PM1_CNT as the guest reads it.</summary>
        public ushort Control => (ushort)(_control | SciEnable);

        /// <summary>The 24-bit PM timer's value now.</summary>
        public uint Timer => (uint)(_clock.Ticks & TimerMask);

        public bool InterruptLevel => _sciLevel;

        /// <summary>How often the guest asked for a sleep state other than S5 (each was ignored).</summary>
        public int IgnoredSleepRequests { get; private set; }

        /// <summary>The SLP_TYP of the last ignored sleep request.</summary>
        public byte LastIgnoredSleepType { get; private set; }

        /// <summary>
        /// Nanoseconds until the timer's top bit next changes and sets TMR_STS, when that would raise
        /// the SCI (TMR_EN set, TMR_STS clear); else ulong.MaxValue. Changes when the guest writes
        /// PM1_STS or PM1_EN.
        /// </summary>
        public ulong NextEventNanoseconds
        {
            get
            {
                if ((_enable & TimerEnable) == 0 || (_status & TimerStatus) != 0)
                    return ulong.MaxValue;
                return _clock.NanosecondsUntil(TimerStatusPeriod - _clock.Ticks % TimerStatusPeriod);
            }
        }

        public void Advance(ulong nanoseconds)
        {
            ulong before = _clock.Ticks;
            _clock.Advance(nanoseconds);
            if (before / TimerStatusPeriod != _clock.Ticks / TimerStatusPeriod)
                _status |= TimerStatus;
            UpdateSci();
        }

        public override uint Read(ushort offset, int size)
        {
            uint value = 0;
            for (int i = 0; i < size; i++)
                value |= (uint)ReadByte(offset + i) << (8 * i);
            return value;
        }

        public override void Write(ushort offset, int size, uint value)
        {
            ushort statusClear = (ushort)Field(offset, size, value, Pm1StatusOffset, out ushort statusMask);
            ushort enable = (ushort)Field(offset, size, value, Pm1EnableOffset, out ushort enableMask);
            ushort control = (ushort)Field(offset, size, value, Pm1ControlOffset, out ushort controlMask);
            _status &= (ushort)~(statusClear & statusMask & StatusBits);
            _enable = (ushort)((_enable & ~enableMask) | (enable & enableMask & EnableBits));
            if (controlMask != 0)
                WriteControl(control, controlMask);
            UpdateSci();
        }

        private byte ReadByte(int offset)
        {
            switch (offset)
            {
                case Pm1StatusOffset: return (byte)_status;
                case Pm1StatusOffset + 1: return (byte)(_status >> 8);
                case Pm1EnableOffset: return (byte)_enable;
                case Pm1EnableOffset + 1: return (byte)(_enable >> 8);
                case Pm1ControlOffset: return (byte)Control;
                case Pm1ControlOffset + 1: return (byte)(Control >> 8);
                case PmTimerOffset: return (byte)Timer;
                case PmTimerOffset + 1: return (byte)(Timer >> 8);
                case PmTimerOffset + 2: return (byte)(Timer >> 16);
                case PmTimerOffset + 3: return 0;
                default: return 0xFF;
            }
        }

        // The part of an access that falls on the 16-bit register at `register`, and which of its
        // bits the access covers.
        private static uint Field(ushort offset, int size, uint value, int register, out ushort mask)
        {
            uint field = 0;
            mask = 0;
            for (int i = 0; i < 2; i++)
            {
                int at = register + i - offset;
                if (at >= 0 && at < size)
                {
                    field |= ((value >> (8 * at)) & 0xFF) << (8 * i);
                    mask |= (ushort)(0xFF << (8 * i));
                }
            }
            return field;
        }

        private void WriteControl(ushort value, ushort mask)
        {
            _control = (ushort)((_control & ~mask) | (value & mask & ControlBits));
            if ((value & mask & SleepEnable) == 0)
                return;
            byte sleepType = (byte)((_control & SleepTypeMask) >> SleepTypeShift);
            if (sleepType == SleepTypeS5)
            {
                _requests?.Record(DeviceRequest.PowerOff);
                return;
            }
            IgnoredSleepRequests++;
            LastIgnoredSleepType = sleepType;
            _status |= WakeStatus;
        }

        private void UpdateSci()
        {
            bool level = (_status & _enable & SciSources) != 0;
            if (level == _sciLevel)
                return;
            _sciLevel = level;
            _sci.Set(level);
        }
    }
}
