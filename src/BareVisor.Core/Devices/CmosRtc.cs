// The MC146818-style real-time clock and 128 bytes of CMOS RAM at ports 0x70 (index; bit 7 masks
// NMI) and 0x71 (data), IRQ 8. The clock starts from a host-supplied Unix time and runs from a
// 32.768 kHz time base that moves only in Advance. Time and calendar registers read in BCD or
// binary and 12- or 24-hour form as register B says (switching form converts the running time);
// the update cycle is instantaneous at each second boundary, with UIP set for the 244 us before
// it. Register C's PF/AF/UF flags are set whatever the enables are and clear on read; IRQ 8 is
// their enabled OR. The memory-size bytes are filled in as a PC BIOS does. Pure state machine;
// runs in VMX root on port exits; never allocates after construction.
namespace BareVisor.Core.Devices
{
    public sealed class CmosRtc : PortDevice
    {
        public const ushort Port = 0x70;
        public const ushort PortCount = 2;
        public const byte Irq = 8;
        public const ulong TimeBaseHertz = 32768;

        // Register indexes.
        public const byte Seconds = 0x00, SecondsAlarm = 0x01, Minutes = 0x02, MinutesAlarm = 0x03, Hours = 0x04,
            HoursAlarm = 0x05, DayOfWeek = 0x06, DayOfMonth = 0x07, Month = 0x08, Year = 0x09,
            RegisterA = 0x0A, RegisterB = 0x0B, RegisterC = 0x0C, RegisterD = 0x0D, Century = 0x32;

        // Register A.
        public const byte Uip = 0x80, DividerMask = 0x70, DividerNormal = 0x20, RateMask = 0x0F;

        // Register B.
        public const byte Set = 0x80, PeriodicEnable = 0x40, AlarmEnable = 0x20, UpdateEnable = 0x10,
            Binary = 0x04, Hours24 = 0x02;

        // Register C.
        public const byte InterruptFlag = 0x80, PeriodicFlag = 0x40, AlarmFlag = 0x20, UpdateFlag = 0x10;

        public const byte ValidRam = 0x80; // register D

        private const ulong UipTicks = 8; // 244 us before the update
        private const int SecondsPerDay = 86400;

        private readonly IInterruptLine _irq;
        private readonly byte[] _ram = new byte[128];
        private TickClock _clock = new TickClock(TimeBaseHertz);
        private ulong _phase; // time-base ticks into the current second
        private byte _index;
        private bool _nmiDisabled;
        private byte _registerA = DividerNormal | 0x06; // 32.768 kHz, 1024 Hz periodic rate
        private byte _registerB = Hours24;
        private byte _flags;
        private bool _irqLevel;

        private int _second, _minute, _hour, _weekday, _day, _month, _year, _century; // binary; hour 0-23, weekday 1-7

        /// <param name="irq8">The IRQ 8 wire (null: not wired).</param>
        /// <param name="unixSeconds">The wall-clock time (UTC seconds since 1970) the clock starts at.</param>
        /// <param name="memoryBelow4G">Guest RAM below 4 GiB, in bytes (including the first MiB).</param>
        /// <param name="memoryAbove4G">Guest RAM from 4 GiB up, in bytes.</param>
        public CmosRtc(IInterruptLine irq8, ulong unixSeconds, ulong memoryBelow4G, ulong memoryAbove4G)
        {
            _irq = InterruptLines.OrNone(irq8);
            SetTime((long)(unixSeconds / SecondsPerDay), (long)(unixSeconds % SecondsPerDay));
            FillMemorySize(memoryBelow4G, memoryAbove4G);
        }

        public override string Name => "CMOS RTC";

        public bool ClaimPorts(PortBus bus) => bus.TryClaim(Port, PortCount, this);

        /// <summary>Port 0x70 bit 7: the guest asked for NMIs to be masked.</summary>
        public bool NmiDisabled => _nmiDisabled;

        public bool InterruptLevel => _irqLevel;

        /// <summary>The clock's time as UTC seconds since 1970 (what the guest set, or the start time advanced).</summary>
        public long UnixTime => Days() * SecondsPerDay + SecondOfDay();

        /// <summary>A CMOS byte as stored (time registers are kept apart and are not visible here).</summary>
        public byte RamByte(int index) => _ram[index & 0x7F];

        /// <summary>
        /// Nanoseconds until the next periodic or update event that would raise IRQ 8, or
        /// ulong.MaxValue when none can (interrupts disabled, divider stopped, or IRQ 8 already high).
        /// </summary>
        public ulong NextEventNanoseconds
        {
            get
            {
                if (_irqLevel || !DividerRunning)
                    return ulong.MaxValue;
                ulong ticks = ulong.MaxValue;
                ulong rate = PeriodicTicks();
                if ((_registerB & PeriodicEnable) != 0 && rate != 0)
                    ticks = rate - _phase % rate;
                if ((_registerB & (UpdateEnable | AlarmEnable)) != 0 && (_registerB & Set) == 0)
                    ticks = System.Math.Min(ticks, TimeBaseHertz - _phase);
                return ticks == ulong.MaxValue ? ulong.MaxValue : _clock.NanosecondsUntil(ticks);
            }
        }

        public void Advance(ulong nanoseconds)
        {
            ulong ticks = _clock.Advance(nanoseconds);
            if (ticks == 0 || !DividerRunning)
                return;
            ulong rate = PeriodicTicks();
            if (rate != 0 && _phase % rate + ticks >= rate)
                _flags |= PeriodicFlag;
            ulong total = _phase + ticks;
            _phase = total % TimeBaseHertz;
            ulong seconds = total / TimeBaseHertz;
            if (seconds != 0 && (_registerB & Set) == 0)
                UpdateCycles(seconds);
            UpdateInterrupt();
        }

        public override uint Read(ushort offset, int size)
        {
            if (offset == 0)
                return 0xFF; // the index register is write-only
            byte value = ReadRegister(_index);
            UpdateInterrupt();
            return value;
        }

        public override void Write(ushort offset, int size, uint value)
        {
            if (offset == 0)
            {
                _index = (byte)(value & 0x7F);
                _nmiDisabled = (value & 0x80) != 0;
                return;
            }
            WriteRegister(_index, (byte)value);
            UpdateInterrupt();
        }

        private bool DividerRunning => (_registerA & DividerMask) == DividerNormal;

        private byte ReadRegister(byte index)
        {
            switch (index)
            {
                case Seconds: return Encode(_second);
                case Minutes: return Encode(_minute);
                case Hours: return EncodeHour(_hour);
                case DayOfWeek: return Encode(_weekday);
                case DayOfMonth: return Encode(_day);
                case Month: return Encode(_month);
                case Year: return Encode(_year);
                case Century: return Encode(_century);
                case RegisterA: return UpdateInProgress() ? (byte)(_registerA | Uip) : _registerA;
                case RegisterB: return _registerB;
                case RegisterC: return ReadRegisterC();
                case RegisterD: return ValidRam;
                default: return _ram[index];
            }
        }

        private void WriteRegister(byte index, byte value)
        {
            switch (index)
            {
                case Seconds: _second = Decode(value); break;
                case Minutes: _minute = Decode(value); break;
                case Hours: _hour = DecodeHour(value); break;
                case DayOfWeek: _weekday = Decode(value); break;
                case DayOfMonth: _day = Decode(value); break;
                case Month: _month = Decode(value); break;
                case Year: _year = Decode(value); break;
                case Century: _century = Decode(value); break;
                case RegisterA: WriteRegisterA(value); break;
                case RegisterB: WriteRegisterB(value); break;
                case RegisterC:
                case RegisterD:
                    break; // read-only
                default: _ram[index] = value; break;
            }
        }

        private void WriteRegisterA(byte value)
        {
            bool wasReset = (_registerA & 0x60) == 0x60;
            _registerA = (byte)(value & 0x7F);
            bool isReset = (_registerA & 0x60) == 0x60;
            if (isReset)
                _phase = 0;
            else if (wasReset)
                _phase = TimeBaseHertz / 2; // the first update comes half a second after the reset ends
        }

        private void WriteRegisterB(byte value)
        {
            if ((value & Set) != 0)
                value &= unchecked((byte)~UpdateEnable); // setting SET clears UIE
            _registerB = value;
        }

        private byte ReadRegisterC()
        {
            byte value = _flags;
            if (InterruptRequested())
                value |= InterruptFlag;
            _flags = 0;
            return value;
        }

        private bool UpdateInProgress() =>
            DividerRunning && (_registerB & Set) == 0 && _phase >= TimeBaseHertz - UipTicks;

        // The periodic interrupt's period in time-base ticks, 0 when RS is 0.
        private ulong PeriodicTicks()
        {
            int rate = _registerA & RateMask;
            if (rate == 0)
                return 0;
            return rate <= 2 ? 1UL << (rate + 6) : 1UL << (rate - 1);
        }

        // `count` update cycles: the time moves on, UF is set, and AF if the alarm matched on any of them.
        private void UpdateCycles(ulong count)
        {
            _flags |= UpdateFlag;
            if ((_flags & AlarmFlag) == 0 && AlarmMatchesWithin(count))
                _flags |= AlarmFlag;
            long days = Days();
            long second = SecondOfDay() + (long)(count % SecondsPerDay);
            days += (long)(count / SecondsPerDay) + second / SecondsPerDay;
            SetTime(days, second % SecondsPerDay);
        }

        private bool AlarmMatchesWithin(ulong count)
        {
            int start = (int)SecondOfDay();
            int steps = count < SecondsPerDay ? (int)count : SecondsPerDay;
            int alarmSecond = AlarmField(_ram[SecondsAlarm], false);
            int alarmMinute = AlarmField(_ram[MinutesAlarm], false);
            int alarmHour = AlarmField(_ram[HoursAlarm], true);
            for (int step = 1; step <= steps; step++)
            {
                int t = (start + step) % SecondsPerDay;
                if ((alarmSecond < 0 || alarmSecond == t % 60) &&
                    (alarmMinute < 0 || alarmMinute == t / 60 % 60) &&
                    (alarmHour < 0 || alarmHour == t / 3600))
                    return true;
            }
            return false;
        }

        // -1 for "don't care" (both top bits set), else the alarm value in binary 24-hour form.
        private int AlarmField(byte raw, bool isHour)
        {
            if ((raw & 0xC0) == 0xC0)
                return -1;
            return isHour ? DecodeHour(raw) : Decode(raw);
        }

        private void UpdateInterrupt()
        {
            bool level = InterruptRequested();
            if (level == _irqLevel)
                return;
            _irqLevel = level;
            _irq.Set(level);
        }

        private bool InterruptRequested() => (_flags & _registerB & (PeriodicFlag | AlarmFlag | UpdateFlag)) != 0;

        private long Days()
        {
            int month = _month >= 1 && _month <= 12 ? _month : 1;
            return CivilCalendar.DaysFromCivil(_century * 100L + _year, month, _day);
        }

        private long SecondOfDay() => _hour * 3600L + _minute * 60L + _second;

        private void SetTime(long days, long secondOfDay)
        {
            CivilCalendar.CivilFromDays(days, out long year, out _month, out _day);
            _century = (int)(year / 100);
            _year = (int)(year % 100);
            _weekday = CivilCalendar.DayOfWeek(days) + 1;
            _hour = (int)(secondOfDay / 3600);
            _minute = (int)(secondOfDay / 60 % 60);
            _second = (int)(secondOfDay % 60);
        }

        private byte Encode(int value)
        {
            if ((_registerB & Binary) != 0)
                return (byte)value;
            return (byte)(((value / 10 % 10) << 4) | (value % 10));
        }

        private int Decode(byte raw) => (_registerB & Binary) != 0 ? raw : (raw >> 4) * 10 + (raw & 0x0F);

        private byte EncodeHour(int hour)
        {
            if ((_registerB & Hours24) != 0)
                return Encode(hour);
            int twelve = hour % 12 == 0 ? 12 : hour % 12;
            return (byte)(Encode(twelve) | (hour >= 12 ? 0x80 : 0));
        }

        private int DecodeHour(byte raw)
        {
            if ((_registerB & Hours24) != 0)
                return Decode(raw);
            int twelve = Decode((byte)(raw & 0x7F));
            return twelve % 12 + ((raw & 0x80) != 0 ? 12 : 0);
        }

        // The BIOS's memory-size bytes, as QEMU and SeaBIOS lay them out: base memory in KiB
        // (0x15-0x16), memory from 1 MiB up to 64 MiB in KiB (0x17-0x18, copied at 0x30-0x31),
        // memory from 16 MiB up to 4 GiB in 64 KiB units (0x34-0x35), memory above 4 GiB in
        // 64 KiB units (0x5B-0x5D); and the standard checksum of 0x10-0x2D at 0x2E-0x2F.
        private void FillMemorySize(ulong below4G, ulong above4G)
        {
            const ulong KiB = 1024, MiB = 1024 * 1024;
            ulong baseKiB = System.Math.Min(below4G / KiB, 640UL);
            ulong extendedKiB = below4G > MiB ? System.Math.Min((below4G - MiB) / KiB, 0xFFFFUL) : 0;
            ulong high64K = below4G > 16 * MiB ? System.Math.Min((below4G - 16 * MiB) / (64 * KiB), 0xFFFFUL) : 0;
            ulong above64K = System.Math.Min(above4G / (64 * KiB), 0xFFFFFFUL);
            SetWord(0x15, baseKiB);
            SetWord(0x17, extendedKiB);
            SetWord(0x30, extendedKiB);
            SetWord(0x34, high64K);
            SetWord(0x5B, above64K);
            _ram[0x5D] = (byte)(above64K >> 16);
            uint sum = 0;
            for (int i = 0x10; i <= 0x2D; i++)
                sum += _ram[i];
            _ram[0x2E] = (byte)(sum >> 8);
            _ram[0x2F] = (byte)sum;
        }

        private void SetWord(int index, ulong value)
        {
            _ram[index] = (byte)value;
            _ram[index + 1] = (byte)(value >> 8);
        }
    }
}
