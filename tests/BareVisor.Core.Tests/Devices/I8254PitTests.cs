// Host test code. The 8254 timer: modes, access and latch commands, timing of IRQ 0 edges, and
// counter 2 through port 0x61 as Linux's TSC calibration drives it.
using System;
using BareVisor.Core.Devices;

namespace BareVisor.Core.Tests.Devices
{
    public class I8254PitTests
    {
        private readonly RecordingInterruptLine _irq0 = new RecordingInterruptLine();
        private readonly I8254Pit _pit;
        private readonly SystemControlPortB _portB;
        private readonly PortBus _bus = new PortBus();
        private ulong _elapsedNanoseconds;

        public I8254PitTests()
        {
            _pit = new I8254Pit(_irq0);
            _portB = new SystemControlPortB(_pit);
            Assert.True(_pit.ClaimPorts(_bus));
            Assert.True(_portB.ClaimPorts(_bus));
        }

        private void Out(ushort port, int value) => Assert.True(_bus.TryWrite(port, 1, (uint)value));

        private byte In(ushort port)
        {
            Assert.True(_bus.TryRead(port, 1, out uint value));
            return (byte)value;
        }

        // Advances the wall clock to the first nanosecond at which the timer has seen `ticks` ticks in all.
        private void AdvanceToTick(ulong ticks)
        {
            UInt128 product = (UInt128)ticks * 1_000_000_000u;
            ulong target = (ulong)((product + I8254Pit.InputHertz - 1) / I8254Pit.InputHertz);
            _pit.Advance(target - _elapsedNanoseconds);
            _elapsedNanoseconds = target;
            Assert.Equal(ticks, _pit.Ticks);
        }

        private void AdvanceTicks(ulong ticks) => AdvanceToTick(_pit.Ticks + ticks);

        private void Program(int control, int count)
        {
            Out(0x43, control);
            int channel = control >> 6;
            int access = (control >> 4) & 3;
            if (access != 2)
                Out((ushort)(0x40 + channel), count & 0xFF);
            if (access != 1)
                Out((ushort)(0x40 + channel), count >> 8);
        }

        private int ReadCount(int channel)
        {
            int low = In((ushort)(0x40 + channel));
            int high = In((ushort)(0x40 + channel));
            return low | (high << 8);
        }

        [Fact]
        public void TickClockIsExactOverManySmallSteps()
        {
            TickClock clock = new TickClock(I8254Pit.InputHertz);
            for (int i = 0; i < 1000; i++)
                clock.Advance(1_000_000);
            Assert.Equal(I8254Pit.InputHertz, clock.Ticks);
            Assert.Equal(I8254Pit.InputHertz, new TickClock(I8254Pit.InputHertz).Advance(1_000_000_000));
        }

        [Theory]
        [InlineData(1UL, 0UL)]
        [InlineData(1UL, 500UL)]
        [InlineData(1193UL, 123UL)]
        [InlineData(65536UL, 999UL)]
        [InlineData(1193182UL, 0UL)]
        [InlineData(1193182UL, 7UL)]
        [InlineData(3000000UL, 77UL)]
        public void TickClockNanosecondsUntilIsTheExactWakeTime(ulong ticks, ulong alreadyElapsed)
        {
            TickClock clock = new TickClock(I8254Pit.InputHertz);
            clock.Advance(alreadyElapsed);
            ulong start = clock.Ticks;
            ulong wait = clock.NanosecondsUntil(ticks);
            TickClock early = clock;
            early.Advance(wait - 1);
            Assert.Equal(start + ticks - 1, early.Ticks);
            clock.Advance(wait);
            Assert.Equal(start + ticks, clock.Ticks);
        }

        [Fact]
        public void LinuxPeriodicTick_Mode2RaisesIrq0EveryPeriod()
        {
            const int latch = 1193; // HZ = 1000
            Program(0x34, latch);
            Assert.True(_irq0.Level);
            int edges = _irq0.RisingEdges;
            AdvanceTicks(latch - 1);
            Assert.False(_irq0.Level); // OUT is low for the last tick of the period
            Assert.Equal(edges, _irq0.RisingEdges);
            AdvanceTicks(1);
            Assert.True(_irq0.Level);
            Assert.Equal(edges + 1, _irq0.RisingEdges);
            AdvanceTicks(latch);
            Assert.Equal(edges + 2, _irq0.RisingEdges);
        }

        [Fact]
        public void Mode2NextEventNanosecondsIsThePeriodEnd()
        {
            Program(0x34, 1193);
            AdvanceTicks(100);
            ulong wait = _pit.NextEventNanoseconds;
            int edges = _irq0.RisingEdges;
            _pit.Advance(wait - 1);
            Assert.Equal(edges, _irq0.RisingEdges);
            _pit.Advance(1);
            Assert.Equal(edges + 1, _irq0.RisingEdges);
            Assert.Equal(1193UL, _pit.Ticks);
        }

        [Fact]
        public void ManyPeriodsInOneAdvanceGiveOneEdge()
        {
            Program(0x34, 100);
            int edges = _irq0.RisingEdges;
            AdvanceTicks(10_000);
            Assert.Equal(edges + 1, _irq0.RisingEdges);
            Assert.True(_irq0.Level);
        }

        [Fact]
        public void Mode2CountReadsDownFromTheCount()
        {
            Program(0x34, 1000);
            AdvanceTicks(10);
            Assert.Equal(990, ReadCount(0));
            AdvanceTicks(990);
            Assert.Equal(1000, ReadCount(0)); // reloaded
        }

        [Fact]
        public void Mode2NewCountTakesEffectAtTheEndOfThePeriod()
        {
            Program(0x34, 100);
            AdvanceTicks(30);
            Out(0x40, 50);
            Out(0x40, 0);
            Out(0x43, 0xE2); // read-back status of counter 0
            Assert.Equal(0x40, In(0x40) & 0x40); // null count until the reload
            int edges = _irq0.RisingEdges;
            AdvanceTicks(69);
            Assert.Equal(edges, _irq0.RisingEdges);
            AdvanceTicks(1); // tick 100: end of the old period
            Assert.Equal(edges + 1, _irq0.RisingEdges);
            Assert.Equal(50, ReadCount(0));
            AdvanceTicks(50);
            Assert.Equal(edges + 2, _irq0.RisingEdges);
        }

        [Fact]
        public void Mode0InterruptOnTerminalCount()
        {
            Program(0x30, 100);
            Assert.False(_irq0.Level);
            AdvanceTicks(99);
            Assert.False(_irq0.Level);
            Assert.Equal(1, ReadCount(0));
            AdvanceTicks(1);
            Assert.True(_irq0.Level);
            Assert.Equal(1, _irq0.RisingEdges);
            Assert.Equal(ulong.MaxValue, _pit.NextEventNanoseconds);
            AdvanceTicks(1);
            Assert.Equal(0xFFFF, ReadCount(0)); // counts on through zero
        }

        [Fact]
        public void Mode0FirstByteOfANewCountStopsTheCounter()
        {
            Program(0x30, 10);
            AdvanceTicks(20);
            Assert.True(_irq0.Level);
            Out(0x40, 5);
            Assert.False(_irq0.Level);
            AdvanceTicks(100);
            Assert.False(_irq0.Level);
            Out(0x40, 0);
            AdvanceTicks(5);
            Assert.True(_irq0.Level);
        }

        [Fact]
        public void LinuxOneShot_Mode4PulsesAfterTheCount()
        {
            Out(0x43, 0x38);
            Assert.True(_irq0.Level);
            int edges = _irq0.RisingEdges;
            Out(0x40, 100);
            Out(0x40, 0);
            AdvanceTicks(100);
            Assert.False(_irq0.Level); // low for one tick at terminal count
            AdvanceTicks(1);
            Assert.True(_irq0.Level);
            Assert.Equal(edges + 1, _irq0.RisingEdges);
            Assert.Equal(ulong.MaxValue, _pit.NextEventNanoseconds);
        }

        [Fact]
        public void Mode3SquareWave()
        {
            Program(0x36, 10);
            AdvanceTicks(4);
            Assert.True(_pit.ChannelOutput(0));
            Assert.Equal(2, ReadCount(0)); // counts down by two
            AdvanceTicks(1);
            Assert.False(_pit.ChannelOutput(0));
            AdvanceTicks(5);
            Assert.True(_pit.ChannelOutput(0));
            Assert.Equal(2, _irq0.RisingEdges); // the control word raised OUT once, then one period
        }

        [Fact]
        public void Mode3OddCountIsHighOneTickLonger()
        {
            Program(0x36, 5);
            AdvanceTicks(2);
            Assert.True(_pit.ChannelOutput(0));
            AdvanceTicks(1);
            Assert.False(_pit.ChannelOutput(0));
        }

        [Fact]
        public void CountZeroMeans65536()
        {
            Program(0x34, 0);
            Assert.Equal(65536u, _pit.Channel(0).Count);
            AdvanceTicks(1);
            Assert.Equal(0xFFFF, ReadCount(0));
        }

        [Fact]
        public void LatchCommandFreezesTheReadValue()
        {
            Program(0x30, 1000);
            AdvanceTicks(100);
            Out(0x43, 0x00); // latch counter 0
            AdvanceTicks(100);
            Out(0x43, 0x00); // ignored: already latched
            Assert.Equal(900, ReadCount(0));
            Assert.Equal(800, ReadCount(0)); // the latch was released
        }

        [Fact]
        public void LowByteAndHighByteOnlyAccess()
        {
            Program(0x10, 200); // counter 0, LSB only, mode 0
            AdvanceTicks(50);
            Assert.Equal(150, In(0x40));
            Assert.Equal(150, In(0x40)); // the LSB again: no byte flip-flop in LSB-only access
            Program(0x20, 0x0200); // MSB only
            AdvanceTicks(256);
            Assert.Equal(1, In(0x40));
        }

        [Fact]
        public void BcdCounting()
        {
            Program(0x31, 0x1234); // mode 0, BCD: 1234 ticks
            Assert.Equal(1234u, _pit.Channel(0).Count);
            AdvanceTicks(34);
            Assert.Equal(0x1200, ReadCount(0));
            AdvanceTicks(1199);
            Assert.False(_irq0.Level);
            AdvanceTicks(1);
            Assert.True(_irq0.Level);
        }

        [Fact]
        public void ReadBackLatchesStatusThenCount()
        {
            Out(0x43, 0x34);
            Out(0x43, 0xE2); // status only
            Assert.Equal(0x80 | 0x40 | 0x34, In(0x40)); // OUT high, null count, programming
            Out(0x40, 0x10);
            Out(0x40, 0x00);
            AdvanceTicks(4);
            Out(0x43, 0xC2); // status and count
            Assert.Equal(0x80 | 0x34, In(0x40));
            AdvanceTicks(4);
            Assert.Equal(12, ReadCount(0));
            Assert.Equal(8, ReadCount(0));
        }

        [Fact]
        public void ControlRegisterReadsAllOnes()
        {
            Assert.Equal(0xFF, In(0x43));
        }

        [Fact]
        public void LinuxPitCalibrateTsc_Counter2InMode0ThroughPort61()
        {
            Out(0x61, (In(0x61) & ~0x02) | 0x01); // gate high, speaker off
            Program(0xB0, 11932);                  // counter 2, mode 0: 10 ms
            Assert.Equal(0, In(0x61) & SystemControlPortB.Counter2Output);
            AdvanceTicks(11931);
            Assert.Equal(0, In(0x61) & SystemControlPortB.Counter2Output);
            AdvanceTicks(1);
            Assert.Equal(SystemControlPortB.Counter2Output, In(0x61) & SystemControlPortB.Counter2Output);
            Assert.Equal(0, _irq0.RisingEdges); // counter 2 is not wired to IRQ 0
        }

        [Fact]
        public void LinuxQuickPitCalibrate_MsbCountsDown()
        {
            Out(0x61, (In(0x61) & ~0x02) | 0x01);
            Program(0xB0, 0xFFFF);
            AdvanceTicks(256 * 3);
            In(0x42);                    // LSB
            Assert.Equal(0xFC, In(0x42)); // MSB: 0xFFFF - 768 = 0xFCFF
            AdvanceTicks(256);
            In(0x42);
            Assert.Equal(0xFB, In(0x42));
        }

        [Fact]
        public void Counter2GateLowHoldsMode0()
        {
            Program(0xB0, 100); // gate is low after reset
            AdvanceTicks(500);
            Assert.Equal(100, ReadCount(2));
            Out(0x61, 0x01);
            AdvanceTicks(40);
            Out(0x61, 0x00);
            AdvanceTicks(500);
            Assert.Equal(60, ReadCount(2));
            Out(0x61, 0x01);
            AdvanceTicks(60);
            Assert.True(_pit.ChannelOutput(2));
        }

        [Fact]
        public void Counter2Mode1IsTriggeredByTheGate()
        {
            Program(0xB2, 50); // mode 1
            AdvanceTicks(100);
            Assert.True(_pit.ChannelOutput(2)); // waiting for a trigger
            Out(0x61, 0x01);
            AdvanceTicks(1);
            Assert.False(_pit.ChannelOutput(2));
            AdvanceTicks(49);
            Assert.True(_pit.ChannelOutput(2));
        }

        [Fact]
        public void Counter2Mode2GateLowForcesOutputHighAndRestartsOnRise()
        {
            Out(0x61, 0x01);
            Program(0xB4, 10);
            AdvanceTicks(9);
            Assert.False(_pit.ChannelOutput(2));
            Out(0x61, 0x00);
            Assert.True(_pit.ChannelOutput(2));
            Out(0x61, 0x01);
            AdvanceTicks(5);
            Assert.Equal(5, ReadCount(2));
        }

        [Fact]
        public void Port61KeepsItsControlBitsAndTogglesRefresh()
        {
            Out(0x61, 0x03);
            Assert.Equal(0x03, In(0x61) & 0x0F);
            int refresh = In(0x61) & SystemControlPortB.RefreshToggle;
            AdvanceTicks(18);
            Assert.NotEqual(refresh, In(0x61) & SystemControlPortB.RefreshToggle);
            Assert.Equal(0, In(0x61) & 0xC0);
        }

        [Fact]
        public void NothingProgrammedMeansNoWakeUp()
        {
            Assert.Equal(ulong.MaxValue, _pit.NextEventNanoseconds);
            AdvanceTicks(1_000_000);
            Assert.Equal(0, _irq0.RisingEdges);
        }
    }
}
