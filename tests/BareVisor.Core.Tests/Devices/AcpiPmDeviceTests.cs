// Host test code. The ACPI PM registers: the PM timer's rate, width and wrap, TMR_STS and the SCI
// with their next-event time, write-1-to-clear status, PM1_EN's defined bits, SCI_EN, and sleep
// requests (S5 powers off; others are ignored, counted and answered with WAK_STS), reached through
// the port bus at every access width Linux and ACPICA use.
using System;
using BareVisor.Core.Devices;

namespace BareVisor.Core.Tests.Devices
{
    public class AcpiPmDeviceTests
    {
        private const ulong Second = 1_000_000_000;
        private const ushort Sts = 0x600, En = 0x602, Cnt = 0x604, Tmr = 0x608;

        private readonly RecordingInterruptLine _sci = new RecordingInterruptLine();
        private readonly PortBus _bus = new PortBus();
        private readonly AcpiPmDevice _pm;
        private readonly DeviceRequests _requests = new DeviceRequests();

        public AcpiPmDeviceTests()
        {
            _pm = new AcpiPmDevice(_sci, _requests);
            Assert.True(_pm.ClaimPorts(_bus));
        }

        private uint In(ushort port, int size)
        {
            Assert.True(_bus.TryRead(port, size, out uint value));
            return value;
        }

        private void Out(ushort port, int size, uint value) => Assert.True(_bus.TryWrite(port, size, value));

        [Fact]
        public void ClaimsPorts0x600To0x60B()
        {
            PortBus bus = new PortBus();
            Assert.True(new AcpiPmDevice(null, null).ClaimPorts(bus));
            Assert.False(bus.TryClaim(0x5FF, 2, new PostCodePort()));
            Assert.False(bus.TryClaim(0x60B, 1, new PostCodePort()));
            Assert.True(bus.TryClaim(0x60C, 1, new PostCodePort()));
            Assert.Equal("ACPI PM registers", new AcpiPmDevice(null, null).Name);
        }

        [Fact]
        public void StartsWithNothingPendingAndAcpiEnabled()
        {
            Assert.Equal(0u, In(Sts, 2));
            Assert.Equal(0u, In(En, 2));
            Assert.Equal(1u, In(Cnt, 2)); // SCI_EN
            Assert.Equal(0u, In(Tmr, 4));
            Assert.Equal(0xFFFFu, In(0x606, 2)); // between PM1_CNT and PM_TMR: no register
            Assert.False(_sci.Level);
            Assert.Equal(ulong.MaxValue, _pm.NextEventNanoseconds);
        }

        [Fact]
        public void TheTimerCountsAt3579545HertzIn24Bits()
        {
            _pm.Advance(Second);
            Assert.Equal(3_579_545u, In(Tmr, 4));
            _pm.Advance(9 * Second);
            Assert.Equal((uint)(35_795_450 % (1 << 24)), In(Tmr, 4)); // wrapped once
            Assert.Equal(0u, In(Tmr + 3, 1));                     // bits 31:24
            uint timer = _pm.Timer;
            Assert.Equal(timer & 0xFF, In(Tmr, 1));
            Assert.Equal((timer >> 8) & 0xFFFF, In(Tmr + 1, 2));
            Assert.Equal(timer >> 16, In(Tmr + 2, 2));
        }

        [Fact]
        public void TheTimerKeepsFractionsOfATick()
        {
            for (int i = 0; i < 1000; i++)
                _pm.Advance(Second / 1000);
            Assert.Equal(3_579_545u, _pm.Timer);
        }

        [Fact]
        public void TheTimerIsReadOnly()
        {
            _pm.Advance(Second);
            Out(Tmr, 4, 0);
            Out(Tmr + 1, 1, 0);
            Assert.Equal(3_579_545u, In(Tmr, 4));
        }

        [Fact]
        public void TmrStsRisesEachTimeTheTopBitChangesAndRaisesTheSciWhenEnabled()
        {
            Out(En, 2, AcpiPmDevice.TimerEnable);
            ulong next = _pm.NextEventNanoseconds;
            Assert.Equal(2_343_484_438UL, next); // 2^23 ticks: 2343484437.4 ns, rounded up
            _pm.Advance(next - 1);
            Assert.Equal((1u << 23) - 1, _pm.Timer);
            Assert.Equal(0u, In(Sts, 2));
            Assert.False(_sci.Level);
            _pm.Advance(1);
            Assert.Equal(1u << 23, _pm.Timer);
            Assert.Equal((uint)AcpiPmDevice.TimerStatus, In(Sts, 2));
            Assert.True(_sci.Level);
            Assert.Equal(ulong.MaxValue, _pm.NextEventNanoseconds); // the SCI is already up

            Out(Sts, 2, AcpiPmDevice.TimerStatus);
            Assert.Equal(0u, In(Sts, 2));
            Assert.False(_sci.Level);
            _pm.Advance(_pm.NextEventNanoseconds);
            Assert.Equal(0u, _pm.Timer); // the wrap: the top bit fell
            Assert.True(_sci.Level);
            Assert.Equal(2, _sci.RisingEdges);
        }

        [Fact]
        public void StatusIsSetWithoutItsEnableAndRaisesTheSciOnceEnabled()
        {
            Assert.Equal(ulong.MaxValue, _pm.NextEventNanoseconds);
            _pm.Advance(3 * Second);
            Assert.Equal((uint)AcpiPmDevice.TimerStatus, In(Sts, 2));
            Assert.False(_sci.Level);
            Out(En, 2, AcpiPmDevice.TimerEnable);
            Assert.True(_sci.Level);
            Out(En, 2, 0);
            Assert.False(_sci.Level);
        }

        [Fact]
        public void StatusBitsClearOnlyWhereOnesAreWritten()
        {
            _pm.Advance(3 * Second);
            Out(Sts, 2, 0);
            Out(Sts, 2, 0xFFFE);
            Assert.Equal((uint)AcpiPmDevice.TimerStatus, In(Sts, 2));
            Out(Sts + 1, 1, 0xFF); // the high byte alone
            Assert.Equal((uint)AcpiPmDevice.TimerStatus, In(Sts, 2));
            Out(Sts, 1, 0x01);
            Assert.Equal(0u, In(Sts, 2));
        }

        [Fact]
        public void Pm1EnableKeepsItsDefinedBits()
        {
            Out(En, 2, 0xFFFF);
            Assert.Equal(0x4721u, In(En, 2)); // TMR, GBL, PWRBTN, SLPBTN, RTC, PCIEXP_WAKE_DIS
            Out(En + 1, 1, 0);
            Assert.Equal(0x21u, In(En, 2));
        }

        [Fact]
        public void ADwordAtPm1aEventCoversStatusAndEnable()
        {
            _pm.Advance(3 * Second);
            Assert.Equal(1u, In(Sts, 4));
            Out(Sts, 4, ((uint)AcpiPmDevice.TimerEnable << 16) | AcpiPmDevice.TimerStatus);
            Assert.Equal((uint)AcpiPmDevice.TimerEnable << 16, In(Sts, 4));
            Assert.False(_sci.Level);
        }

        [Fact]
        public void SciEnAlwaysReadsOne()
        {
            Out(Cnt, 2, 0);
            Assert.Equal(1u, In(Cnt, 2));
            Out(Cnt, 2, AcpiPmDevice.BusMasterReload | AcpiPmDevice.GlobalRelease);
            Assert.Equal(3u, In(Cnt, 2)); // BM_RLD kept, GBL_RLS write-only
        }

        [Fact]
        public void LinuxPowerOffWritesSlpTypThenSlpEn()
        {
            uint control = In(Cnt, 2) & ~(uint)(AcpiPmDevice.SleepTypeMask | AcpiPmDevice.SleepEnable);
            control |= (uint)AcpiPmDevice.SleepTypeS5 << AcpiPmDevice.SleepTypeShift;
            Out(Cnt, 2, control);
            Assert.Equal(DeviceRequest.None, _requests.Pending);
            Assert.Equal(control, In(Cnt, 2));
            Out(Cnt, 2, control | AcpiPmDevice.SleepEnable);
            Assert.Equal(DeviceRequest.PowerOff, _requests.Pending);
            Assert.Equal(control, In(Cnt, 2)); // SLP_EN reads 0
            Assert.Equal(0, _pm.IgnoredSleepRequests);
        }

        [Fact]
        public void AByteWriteToTheHighHalfCanPowerOff()
        {
            Out(Cnt + 1, 1, (AcpiPmDevice.SleepTypeS5 << 2) | 0x20);
            Assert.Equal(DeviceRequest.PowerOff, _requests.Pending);
        }

        [Theory]
        [InlineData(0)]
        [InlineData(1)]
        [InlineData(3)]
        [InlineData(7)]
        public void OtherSleepTypesAreIgnoredAndAnsweredWithAWake(int sleepType)
        {
            Out(Cnt, 2, ((uint)sleepType << 10) | AcpiPmDevice.SleepEnable);
            Assert.Equal(DeviceRequest.None, _requests.Pending);
            Assert.Equal(1, _pm.IgnoredSleepRequests);
            Assert.Equal(sleepType, _pm.LastIgnoredSleepType);
            Assert.Equal((uint)AcpiPmDevice.WakeStatus, In(Sts, 2));
            Assert.False(_sci.Level); // WAK_STS is not an SCI source
            Out(Sts, 2, AcpiPmDevice.WakeStatus);
            Assert.Equal(0u, In(Sts, 2));
        }

        [Fact]
        public void WithoutCallbacksNothingBreaks()
        {
            AcpiPmDevice pm = new AcpiPmDevice(null, null);
            pm.Write(AcpiPmDevice.Pm1EnableOffset, 2, AcpiPmDevice.TimerEnable);
            pm.Advance(3 * Second);
            Assert.True(pm.InterruptLevel);
            pm.Write(AcpiPmDevice.Pm1ControlOffset, 2, ((uint)AcpiPmDevice.SleepTypeS5 << 10) | AcpiPmDevice.SleepEnable);
        }
    }
}
