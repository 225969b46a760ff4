// Host test code. The MC146818 RTC and CMOS: time registers in each format, the update cycle,
// UIP, SET, divider reset, register C flags and IRQ 8, periodic and alarm interrupts, and the
// memory-size bytes.
using System;
using BareVisor.Core.Devices;

namespace BareVisor.Core.Tests.Devices
{
    public class CmosRtcTests
    {
        private const ulong Millisecond = 1_000_000;
        private const ulong Second = 1_000_000_000;

        private static readonly ulong s_leapDayEvening = (ulong)new DateTimeOffset(2024, 2, 29, 23, 59, 58, TimeSpan.Zero).ToUnixTimeSeconds();

        private readonly RecordingInterruptLine _irq8 = new RecordingInterruptLine();
        private readonly CmosRtc _rtc;

        public CmosRtcTests() => _rtc = new CmosRtc(_irq8, s_leapDayEvening, 512UL << 20, 1UL << 30);

        private byte Get(int index)
        {
            _rtc.Write(0, 1, (uint)index);
            return (byte)_rtc.Read(1, 1);
        }

        private void Put(int index, int value)
        {
            _rtc.Write(0, 1, (uint)index);
            _rtc.Write(1, 1, (uint)value);
        }

        [Fact]
        public void StartsAtTheHostTimeInBcdAnd24Hours()
        {
            Assert.Equal(0x58, Get(CmosRtc.Seconds));
            Assert.Equal(0x59, Get(CmosRtc.Minutes));
            Assert.Equal(0x23, Get(CmosRtc.Hours));
            Assert.Equal(0x05, Get(CmosRtc.DayOfWeek)); // Thursday; Sunday is 1
            Assert.Equal(0x29, Get(CmosRtc.DayOfMonth));
            Assert.Equal(0x02, Get(CmosRtc.Month));
            Assert.Equal(0x24, Get(CmosRtc.Year));
            Assert.Equal(0x20, Get(CmosRtc.Century));
            Assert.Equal(0x26, Get(CmosRtc.RegisterA));
            Assert.Equal(0x02, Get(CmosRtc.RegisterB));
            Assert.Equal(0x80, Get(CmosRtc.RegisterD));
        }

        [Fact]
        public void TimeRollsOverTheLeapDayAndMonth()
        {
            _rtc.Advance(2 * Second);
            Assert.Equal(0x00, Get(CmosRtc.Seconds));
            Assert.Equal(0x00, Get(CmosRtc.Minutes));
            Assert.Equal(0x00, Get(CmosRtc.Hours));
            Assert.Equal(0x01, Get(CmosRtc.DayOfMonth));
            Assert.Equal(0x03, Get(CmosRtc.Month));
            Assert.Equal(0x06, Get(CmosRtc.DayOfWeek));
            Assert.Equal((long)s_leapDayEvening + 2, _rtc.UnixTime);
        }

        [Fact]
        public void TimeAdvancesOnlyOnWholeSeconds()
        {
            _rtc.Advance(999 * Millisecond);
            Assert.Equal(0x58, Get(CmosRtc.Seconds));
            _rtc.Advance(Millisecond);
            Assert.Equal(0x59, Get(CmosRtc.Seconds));
        }

        [Fact]
        public void LongAdvanceCrossesYearsAndCenturyRegister()
        {
            ulong start = (ulong)new DateTimeOffset(2099, 12, 31, 23, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
            CmosRtc rtc = new CmosRtc(null, start, 0, 0);
            rtc.Advance(3600 * Second + 400UL * 86400 * Second);
            DateTimeOffset expected = DateTimeOffset.FromUnixTimeSeconds((long)start + 3600 + 400 * 86400);
            Assert.Equal(expected.ToUnixTimeSeconds(), rtc.UnixTime);
            rtc.Write(0, 1, CmosRtc.Century);
            Assert.Equal(0x21u, rtc.Read(1, 1));
        }

        [Fact]
        public void BinaryAnd12HourFormats()
        {
            Put(CmosRtc.RegisterB, CmosRtc.Binary | CmosRtc.Hours24);
            Assert.Equal(58, Get(CmosRtc.Seconds));
            Assert.Equal(23, Get(CmosRtc.Hours));
            Put(CmosRtc.RegisterB, 0); // BCD, 12-hour
            Assert.Equal(0x91, Get(CmosRtc.Hours)); // 11 PM
            _rtc.Advance(2 * Second);
            Assert.Equal(0x12, Get(CmosRtc.Hours)); // 12 AM
            Put(CmosRtc.RegisterB, CmosRtc.Binary);
            Assert.Equal(12, Get(CmosRtc.Hours));
            Put(CmosRtc.Hours, 0x80 | 1); // 1 PM, binary 12-hour
            Put(CmosRtc.RegisterB, CmosRtc.Binary | CmosRtc.Hours24);
            Assert.Equal(13, Get(CmosRtc.Hours));
        }

        [Fact]
        public void LinuxSetTime_SetBitHoldsTheClockWhileFieldsAreWritten()
        {
            Put(CmosRtc.RegisterB, CmosRtc.Set | CmosRtc.Hours24);
            Put(CmosRtc.RegisterA, 0x70); // divider reset, as mc146818_set_time does
            Put(CmosRtc.Year, 0x25);
            Put(CmosRtc.Month, 0x12);
            Put(CmosRtc.DayOfMonth, 0x31);
            Put(CmosRtc.Hours, 0x10);
            Put(CmosRtc.Minutes, 0x20);
            Put(CmosRtc.Seconds, 0x30);
            _rtc.Advance(5 * Second);
            Assert.Equal(0x30, Get(CmosRtc.Seconds)); // held
            Put(CmosRtc.RegisterA, 0x26);
            Put(CmosRtc.RegisterB, CmosRtc.Hours24);
            long set = new DateTimeOffset(2025, 12, 31, 10, 20, 30, TimeSpan.Zero).ToUnixTimeSeconds();
            Assert.Equal(set, _rtc.UnixTime);
            _rtc.Advance(499 * Millisecond);
            Assert.Equal(0x30, Get(CmosRtc.Seconds));
            _rtc.Advance(Millisecond); // the first update is half a second after the divider reset ends
            Assert.Equal(0x31, Get(CmosRtc.Seconds));
        }

        [Fact]
        public void SettingSetClearsUpdateInterruptEnable()
        {
            Put(CmosRtc.RegisterB, CmosRtc.Set | CmosRtc.UpdateEnable | CmosRtc.Hours24);
            Assert.Equal(CmosRtc.Set | CmosRtc.Hours24, Get(CmosRtc.RegisterB));
        }

        [Fact]
        public void UpdateInProgressForThe244MicrosecondsBeforeTheUpdate()
        {
            _rtc.Advance(999_700_000);
            Assert.Equal(0, Get(CmosRtc.RegisterA) & CmosRtc.Uip);
            _rtc.Advance(100_000);
            Assert.Equal(CmosRtc.Uip, Get(CmosRtc.RegisterA) & CmosRtc.Uip);
            Put(CmosRtc.RegisterA, 0xA6); // UIP is read-only
            Assert.Equal(0x26, Get(CmosRtc.RegisterA) & 0x7F);
            _rtc.Advance(250_000);
            Assert.Equal(0, Get(CmosRtc.RegisterA) & CmosRtc.Uip);
            Assert.Equal(0x59, Get(CmosRtc.Seconds));
        }

        [Fact]
        public void UpdateFlagIsSetWithoutEnableAndRegisterCClearsOnRead()
        {
            _rtc.Advance(Second);
            Assert.False(_irq8.Level);
            // PF too: the 1024 Hz periodic flag runs whether or not PIE is set.
            Assert.Equal(CmosRtc.UpdateFlag | CmosRtc.PeriodicFlag, Get(CmosRtc.RegisterC));
            Assert.Equal(0, Get(CmosRtc.RegisterC));
        }

        [Fact]
        public void UpdateInterruptRaisesIrq8UntilRegisterCIsRead()
        {
            Put(CmosRtc.RegisterB, CmosRtc.UpdateEnable | CmosRtc.Hours24);
            Assert.Equal(Second, _rtc.NextEventNanoseconds);
            _rtc.Advance(Second);
            Assert.True(_irq8.Level);
            Assert.Equal(ulong.MaxValue, _rtc.NextEventNanoseconds); // already asserted
            Assert.Equal(CmosRtc.InterruptFlag | CmosRtc.UpdateFlag, Get(CmosRtc.RegisterC) & ~CmosRtc.PeriodicFlag);
            Assert.False(_irq8.Level);
            _rtc.Advance(Second);
            Assert.Equal(2, _irq8.RisingEdges);
        }

        [Fact]
        public void PeriodicInterruptAt1024Hertz()
        {
            Put(CmosRtc.RegisterB, CmosRtc.PeriodicEnable | CmosRtc.Hours24);
            ulong wait = _rtc.NextEventNanoseconds;
            Assert.Equal(976_563UL, wait); // 32 ticks of 32.768 kHz, rounded up to a nanosecond
            _rtc.Advance(wait - 1);
            Assert.False(_irq8.Level);
            _rtc.Advance(1);
            Assert.True(_irq8.Level);
            Assert.Equal(CmosRtc.InterruptFlag | CmosRtc.PeriodicFlag, Get(CmosRtc.RegisterC));
            Assert.False(_irq8.Level);
        }

        [Theory]
        [InlineData(0x03, 8192)]
        [InlineData(0x01, 256)]
        [InlineData(0x0F, 2)]
        public void PeriodicRates(int rateSelect, int hertz)
        {
            Put(CmosRtc.RegisterA, 0x20 | rateSelect);
            Put(CmosRtc.RegisterB, CmosRtc.PeriodicEnable | CmosRtc.Hours24);
            ulong ticks = 32768UL / (ulong)hertz;
            ulong expected = (ticks * Second + 32767) / 32768;
            Assert.Equal(expected, _rtc.NextEventNanoseconds);
        }

        [Fact]
        public void NoRateSelectNoPeriodicFlag()
        {
            Put(CmosRtc.RegisterA, 0x20);
            _rtc.Advance(500 * Millisecond);
            Assert.Equal(0, Get(CmosRtc.RegisterC) & CmosRtc.PeriodicFlag);
        }

        [Fact]
        public void AlarmMatchesTheTime()
        {
            Put(CmosRtc.SecondsAlarm, 0x01);
            Put(CmosRtc.MinutesAlarm, 0x00);
            Put(CmosRtc.HoursAlarm, 0x00);
            Put(CmosRtc.RegisterB, CmosRtc.AlarmEnable | CmosRtc.Hours24);
            _rtc.Advance(2 * Second); // 00:00:00
            Assert.False(_irq8.Level);
            _rtc.Advance(Second);     // 00:00:01
            Assert.True(_irq8.Level);
            Assert.Equal(CmosRtc.InterruptFlag | CmosRtc.AlarmFlag | CmosRtc.UpdateFlag, Get(CmosRtc.RegisterC) & ~CmosRtc.PeriodicFlag);
        }

        [Fact]
        public void AlarmDontCareBytesMatchEverySecond()
        {
            Put(CmosRtc.SecondsAlarm, 0xC0);
            Put(CmosRtc.MinutesAlarm, 0xFF);
            Put(CmosRtc.HoursAlarm, 0xC5);
            Put(CmosRtc.RegisterB, CmosRtc.AlarmEnable | CmosRtc.Hours24);
            _rtc.Advance(Second);
            Assert.True(_irq8.Level);
        }

        [Fact]
        public void AlarmMatchedInsideALongAdvance()
        {
            Put(CmosRtc.SecondsAlarm, 0x00);
            Put(CmosRtc.MinutesAlarm, 0x30);
            Put(CmosRtc.HoursAlarm, 0x12);
            _rtc.Advance(13UL * 3600 * Second);
            Assert.Equal(CmosRtc.AlarmFlag, Get(CmosRtc.RegisterC) & CmosRtc.AlarmFlag);
        }

        [Fact]
        public void IndexPortKeepsTheNmiMaskBit()
        {
            _rtc.Write(0, 1, 0x80 | CmosRtc.RegisterD);
            Assert.True(_rtc.NmiDisabled);
            Assert.Equal(0x80u, _rtc.Read(1, 1));
            Assert.Equal(0xFFu, _rtc.Read(0, 1));
            _rtc.Write(0, 1, CmosRtc.RegisterD);
            Assert.False(_rtc.NmiDisabled);
        }

        [Fact]
        public void MemorySizeBytes()
        {
            Assert.Equal(0x80, Get(0x15));
            Assert.Equal(0x02, Get(0x16)); // 640 KiB
            Assert.Equal(0xFF, Get(0x17));
            Assert.Equal(0xFF, Get(0x18)); // capped
            Assert.Equal(0xFF, Get(0x30));
            Assert.Equal(0xFF, Get(0x31));
            Assert.Equal(0x00, Get(0x34));
            Assert.Equal(0x1F, Get(0x35)); // (512 - 16) MiB / 64 KiB = 0x1F00
            Assert.Equal(0x00, Get(0x5B));
            Assert.Equal(0x40, Get(0x5C));
            Assert.Equal(0x00, Get(0x5D)); // 1 GiB / 64 KiB = 0x4000
        }

        [Fact]
        public void SmallMemoryAndChecksum()
        {
            CmosRtc rtc = new CmosRtc(null, 0, 16UL << 20, 0);
            Assert.Equal(0x00, rtc.RamByte(0x17));
            Assert.Equal(0x3C, rtc.RamByte(0x18)); // 15 MiB in KiB
            Assert.Equal(0x00, rtc.RamByte(0x34));
            Assert.Equal(0x00, rtc.RamByte(0x35));
            int sum = 0;
            for (int i = 0x10; i <= 0x2D; i++)
                sum += rtc.RamByte(i);
            Assert.Equal(sum, (rtc.RamByte(0x2E) << 8) | rtc.RamByte(0x2F));
        }

        [Fact]
        public void OtherBytesAreRam()
        {
            Put(0x40, 0x5A);
            Assert.Equal(0x5A, Get(0x40));
            Put(CmosRtc.RegisterC, 0xFF);
            Put(CmosRtc.RegisterD, 0x00);
            Assert.Equal(0, Get(CmosRtc.RegisterC));
            Assert.Equal(0x80, Get(CmosRtc.RegisterD));
        }

        [Fact]
        public void StoppedDividerFreezesTheClock()
        {
            Put(CmosRtc.RegisterA, 0x06); // DV = 000: oscillator off
            Put(CmosRtc.RegisterB, CmosRtc.UpdateEnable | CmosRtc.Hours24);
            Assert.Equal(ulong.MaxValue, _rtc.NextEventNanoseconds);
            _rtc.Advance(10 * Second);
            Assert.Equal(0x58, Get(CmosRtc.Seconds));
        }

        [Fact]
        public void InvalidGuestDateIsNormalisedAtTheNextUpdate()
        {
            Put(CmosRtc.RegisterB, CmosRtc.Set | CmosRtc.Binary | CmosRtc.Hours24);
            Put(CmosRtc.Month, 2);
            Put(CmosRtc.DayOfMonth, 31);
            Put(CmosRtc.Hours, 23);
            Put(CmosRtc.Minutes, 59);
            Put(CmosRtc.Seconds, 59);
            Put(CmosRtc.RegisterB, CmosRtc.Binary | CmosRtc.Hours24);
            _rtc.Advance(Second);
            Assert.Equal(3, Get(CmosRtc.Month));
            Assert.Equal(3, Get(CmosRtc.DayOfMonth)); // 2024-02-31 is 03-02; one second on is 03-03
        }

        [Fact]
        public void CivilCalendarMatchesTheBcl()
        {
            for (long days = -719_162; days <= 2_932_896; days += 997) // 0001-01-01 to 9999-12-31
            {
                DateTime date = DateTime.UnixEpoch.AddDays(days);
                CivilCalendar.CivilFromDays(days, out long year, out int month, out int day);
                Assert.Equal(date.Year, year);
                Assert.Equal(date.Month, month);
                Assert.Equal(date.Day, day);
                Assert.Equal(days, CivilCalendar.DaysFromCivil(year, month, day));
                Assert.Equal((int)date.DayOfWeek, CivilCalendar.DayOfWeek(days));
            }
        }

        [Fact]
        public void CivilCalendarRoundTripsBeforeYearOne()
        {
            for (long days = -2_000_000; days < -719_162; days += 331)
            {
                CivilCalendar.CivilFromDays(days, out long year, out int month, out int day);
                Assert.InRange(month, 1, 12);
                Assert.InRange(day, 1, 31);
                Assert.Equal(days, CivilCalendar.DaysFromCivil(year, month, day));
            }
        }
    }
}
