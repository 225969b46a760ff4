// Host test code. The 8259A pair: Linux's initialisation, priorities, EOIs, cascade, ELCR, INTA.
using BareVisor.Core.Devices;

namespace BareVisor.Core.Tests.Devices
{
    public class I8259PicTests
    {
        private readonly RecordingInterruptLine _intr = new RecordingInterruptLine();
        private readonly I8259Pic _pic;
        private readonly PortBus _bus = new PortBus();

        public I8259PicTests()
        {
            _pic = new I8259Pic(_intr);
            Assert.True(_pic.ClaimPorts(_bus));
        }

        private void Out(ushort port, int value) => Assert.True(_bus.TryWrite(port, 1, (uint)value));

        private byte In(ushort port)
        {
            Assert.True(_bus.TryRead(port, 1, out uint value));
            return (byte)value;
        }

        // What Linux's init_8259A does (vectors 0x30 and 0x38), then everything unmasked.
        private void InitialiseLikeLinux(int icw4 = 0x01)
        {
            Out(0x21, 0xFF);
            Out(0xA1, 0xFF);
            Out(0x20, 0x11);
            Out(0x21, 0x30);
            Out(0x21, 0x04);
            Out(0x21, icw4);
            Out(0xA0, 0x11);
            Out(0xA1, 0x38);
            Out(0xA1, 0x02);
            Out(0xA1, icw4 & ~0x10);
            Out(0x21, 0x00);
            Out(0xA1, 0x00);
        }

        private byte Acknowledge()
        {
            Assert.True(_pic.TryAcknowledge(out byte vector));
            return vector;
        }

        private void Pulse(int irq)
        {
            _pic.Line(irq).Set(true);
            _pic.Line(irq).Set(false);
        }

        [Fact]
        public void InitialisationSequenceSetsVectorsAndCascade()
        {
            InitialiseLikeLinux();
            Assert.Equal(0x30, _pic.Master.VectorBase);
            Assert.Equal(0x38, _pic.Slave.VectorBase);
            Assert.Equal(0x04, _pic.Master.CascadeRegister);
            Assert.Equal(0x02, _pic.Slave.CascadeRegister);
            Assert.False(_pic.Master.Initialising);
            Assert.False(_pic.Slave.Initialising);
        }

        [Fact]
        public void SingleModeWithoutIcw4SkipsIcw3AndIcw4()
        {
            Out(0x20, 0x12); // single, no ICW4
            Out(0x21, 0x48);
            Assert.False(_pic.Master.Initialising);
            Out(0x21, 0x5A);
            Assert.Equal(0x5A, In(0x21)); // that was OCW1
            Assert.Equal(0x48, _pic.Master.VectorBase);
        }

        [Fact]
        public void LinuxProbe_MaskRegisterReadsBack()
        {
            Out(0xA1, 0xFF);
            Out(0x21, 0xA5);
            Assert.Equal(0xA5, In(0x21));
            Assert.Equal(0xFF, In(0xA1));
        }

        [Fact]
        public void EdgeRequestIsDeliveredOnceAndNeedsAnEoi()
        {
            InitialiseLikeLinux();
            _pic.Line(1).Set(true);
            Assert.True(_pic.HasInterrupt);
            Assert.True(_intr.Level);
            Assert.Equal(0x31, Acknowledge());
            Assert.False(_pic.HasInterrupt);
            Assert.False(_intr.Level);
            Assert.Equal(0x02, _pic.Master.InServiceRegister);
            Assert.Equal(0x00, _pic.Master.RequestRegister);
            _pic.Line(1).Set(true); // still high: no new edge
            Out(0x20, 0x61);        // specific EOI for IRQ 1
            Assert.Equal(0, _pic.Master.InServiceRegister);
            Assert.False(_pic.HasInterrupt);
            _pic.Line(1).Set(false);
            _pic.Line(1).Set(true);
            Assert.Equal(0x31, Acknowledge());
        }

        [Fact]
        public void NoInterruptMeansNoAcknowledge()
        {
            InitialiseLikeLinux();
            Assert.False(_pic.TryAcknowledge(out _));
        }

        [Fact]
        public void LowerNumberWinsAndHigherPriorityNests()
        {
            InitialiseLikeLinux();
            Pulse(3);
            Pulse(5);
            Assert.Equal(0x33, Acknowledge());
            Assert.False(_pic.HasInterrupt); // IRQ 5 waits for IRQ 3's EOI
            Pulse(1);
            Assert.Equal(0x31, Acknowledge()); // IRQ 1 nests inside IRQ 3
            Out(0x20, 0x20); // non-specific EOI ends IRQ 1, the highest in service
            Assert.Equal(0x08, _pic.Master.InServiceRegister);
            Assert.False(_pic.HasInterrupt);
            Out(0x20, 0x20);
            Assert.Equal(0x35, Acknowledge());
        }

        [Fact]
        public void MaskedRequestWaitsInIrr()
        {
            InitialiseLikeLinux();
            Out(0x21, 0x10);
            Pulse(4);
            Assert.False(_pic.HasInterrupt);
            Out(0x20, 0x0A);
            Assert.Equal(0x10, In(0x20));
            Out(0x21, 0x00);
            Assert.True(_pic.HasInterrupt);
            Assert.Equal(0x34, Acknowledge());
            Out(0x20, 0x0B);
            Assert.Equal(0x10, In(0x20)); // ISR
        }

        [Fact]
        public void SlaveInterruptsCascadeThroughMasterInputTwo()
        {
            InitialiseLikeLinux();
            Pulse(12);
            Assert.True(_intr.Level);
            Assert.Equal(0x3C, Acknowledge());
            Assert.Equal(0x10, _pic.Slave.InServiceRegister);
            Assert.Equal(0x04, _pic.Master.InServiceRegister);
            Pulse(8); // higher priority on the slave, but master's input 2 is in service
            Assert.False(_pic.HasInterrupt);
            Out(0xA0, 0x64); // Linux: specific EOI to the slave, then for IRQ 2 to the master
            Out(0x20, 0x62);
            Assert.Equal(0x38, Acknowledge());
        }

        [Fact]
        public void IrqTwoArrivesAsIrqNine()
        {
            InitialiseLikeLinux();
            Pulse(2);
            Assert.Equal(0x39, Acknowledge());
        }

        [Fact]
        public void SpuriousSlaveInterruptAnswersWithIrqFifteen()
        {
            InitialiseLikeLinux();
            Pulse(10);
            Out(0xA1, 0x04); // the request is masked before the CPU acknowledges
            Assert.True(_pic.HasInterrupt); // the master latched its edge
            Assert.Equal(0x3F, Acknowledge());
            Assert.Equal(0, _pic.Slave.InServiceRegister);
            Assert.Equal(0x04, _pic.Master.InServiceRegister);
        }

        [Fact]
        public void RotateOnNonSpecificEoiMakesTheServicedLevelLowest()
        {
            InitialiseLikeLinux();
            Pulse(1);
            Assert.Equal(0x31, Acknowledge());
            Out(0x20, 0xA0); // rotate on non-specific EOI: IRQ 1 becomes lowest, IRQ 2 highest
            Pulse(1);
            Pulse(6);
            Assert.Equal(0x36, Acknowledge());
        }

        [Fact]
        public void SetPriorityCommand()
        {
            InitialiseLikeLinux();
            Out(0x20, 0xC4); // IRQ 4 lowest: IRQ 5 highest
            Pulse(0);
            Pulse(7);
            Assert.Equal(0x37, Acknowledge());
        }

        [Fact]
        public void RotateOnSpecificEoi()
        {
            InitialiseLikeLinux();
            Pulse(3);
            Assert.Equal(0x33, Acknowledge());
            Out(0x20, 0xE3); // EOI IRQ 3 and make it lowest
            Assert.Equal(0, _pic.Master.InServiceRegister);
            Pulse(0);
            Pulse(4);
            Assert.Equal(0x34, Acknowledge());
        }

        [Fact]
        public void AutomaticEoiLeavesNothingInService()
        {
            InitialiseLikeLinux(icw4: 0x03);
            Assert.True(_pic.Master.AutoEoi);
            Pulse(5);
            Assert.Equal(0x35, Acknowledge());
            Assert.Equal(0, _pic.Master.InServiceRegister);
            Pulse(6);
            Assert.Equal(0x36, Acknowledge());
        }

        [Fact]
        public void SpecialMaskModeLetsLowerLevelsThrough()
        {
            InitialiseLikeLinux();
            Pulse(3);
            Assert.Equal(0x33, Acknowledge());
            Pulse(5);
            Assert.False(_pic.HasInterrupt);
            Out(0x21, 0x08); // mask the in-service level
            Out(0x20, 0x68); // set special mask mode
            Assert.Equal(0x35, Acknowledge());
            Out(0x20, 0x48); // reset special mask mode
            Out(0x20, 0x65);
            Assert.Equal(0x08, _pic.Master.InServiceRegister);
        }

        [Fact]
        public void SpecialFullyNestedModeLetsTheSlaveInterruptAgain()
        {
            InitialiseLikeLinux(icw4: 0x11);
            Pulse(12);
            Assert.Equal(0x3C, Acknowledge());
            Pulse(9); // higher priority on the slave while the slave's input is in service
            Assert.Equal(0x39, Acknowledge());
        }

        [Fact]
        public void PollCommandActsAsAcknowledge()
        {
            InitialiseLikeLinux();
            Out(0x20, 0x0C);
            Assert.Equal(0x00, In(0x20)); // nothing pending
            Pulse(6);
            Out(0x20, 0x0C);
            Assert.Equal(0x86, In(0x20));
            Assert.Equal(0x40, _pic.Master.InServiceRegister);
            Assert.False(_pic.HasInterrupt);
        }

        [Fact]
        public void ElcrMakesAnInputLevelTriggered()
        {
            InitialiseLikeLinux();
            Out(0x4D1, 0x02); // IRQ 9 level-triggered
            Assert.Equal(0x02, In(0x4D1));
            _pic.Line(9).Set(true);
            Assert.Equal(0x39, Acknowledge());
            Out(0xA0, 0x61);
            Out(0x20, 0x62);
            Assert.Equal(0x39, Acknowledge()); // still asserted: requested again
            Out(0xA0, 0x61);
            Out(0x20, 0x62);
            _pic.Line(9).Set(false);
            Assert.Equal(0, _pic.Slave.RequestRegister); // a level request withdrawn before INTA is gone
            Assert.False(_pic.Slave.HasInterrupt);
            // The master's cascade input is edge-latched, so the CPU still gets an INTA cycle and
            // the slave answers with IRQ 7: a spurious IRQ 15, as on real hardware.
            Assert.Equal(0x3F, Acknowledge());
        }

        [Fact]
        public void LevelRequestWithdrawnOnTheMasterLeavesNothing()
        {
            InitialiseLikeLinux();
            Out(0x4D0, 0x20); // IRQ 5 level-triggered
            _pic.Line(5).Set(true);
            Assert.True(_pic.HasInterrupt);
            _pic.Line(5).Set(false);
            Assert.False(_pic.HasInterrupt);
            Assert.False(_intr.Level);
        }

        [Fact]
        public void ElcrReservedBitsReadZero()
        {
            Out(0x4D0, 0xFF);
            Out(0x4D1, 0xFF);
            Assert.Equal(0xF8, In(0x4D0)); // IRQ 0-2 are edge-only
            Assert.Equal(0xDE, In(0x4D1)); // IRQ 8 and 13 are edge-only
            Assert.True(_bus.TryRead(0x4D0, 2, out uint both));
            Assert.Equal(0xDEF8u, both);
        }

        [Fact]
        public void LevelTriggeredModeFromIcw1()
        {
            Out(0x20, 0x19); // LTIM, cascade, ICW4
            Out(0x21, 0x30);
            Out(0x21, 0x04);
            Out(0x21, 0x01);
            _pic.Line(3).Set(true);
            Assert.Equal(0x33, Acknowledge());
            Out(0x20, 0x20);
            Assert.True(_pic.HasInterrupt);
        }

        [Fact]
        public void Icw1ClearsMaskAndInServiceAndNeedsANewEdge()
        {
            InitialiseLikeLinux();
            Out(0x21, 0xF0);
            _pic.Line(1).Set(true);
            Acknowledge();
            InitialiseLikeLinux();
            Assert.Equal(0, _pic.Master.InServiceRegister);
            Assert.Equal(0, _pic.Master.RequestRegister);
            _pic.Line(1).Set(true); // held high across initialisation: not a new edge
            Assert.False(_pic.HasInterrupt);
        }

        [Fact]
        public void OutputLineFollowsTheMastersInt()
        {
            InitialiseLikeLinux();
            Out(0x21, 0xFF);
            Pulse(0);
            Assert.False(_intr.Level);
            Out(0x21, 0xFE);
            Assert.True(_intr.Level);
            Out(0x21, 0xFF);
            Assert.False(_intr.Level);
            Assert.Equal(1, _intr.RisingEdges);
        }

        [Fact]
        public void OutOfRangeIrqsAreIgnored()
        {
            InitialiseLikeLinux();
            _pic.SetIrq(-1, true);
            _pic.SetIrq(16, true);
            Assert.False(_pic.HasInterrupt);
        }
    }
}
