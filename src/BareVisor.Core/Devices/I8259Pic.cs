// The PC's pair of 8259A interrupt controllers: the master at ports 0x20-0x21 serving IRQ 0-7, the
// slave at 0xA0-0xA1 serving IRQ 8-15 through the master's input 2, and the edge/level control
// registers (ELCR) at 0x4D0-0x4D1. Devices drive IRQ wires from Line(irq); the platform injects
// with TryAcknowledge, which performs the INTA cycle. Pure state machine; runs in VMX root on port
// exits and interrupt-window exits; never allocates after construction.
namespace BareVisor.Core.Devices
{
    public sealed class I8259Pic
    {
        public const ushort MasterPort = 0x20;
        public const ushort SlavePort = 0xA0;
        public const ushort ElcrPort = 0x4D0;
        public const int CascadeInput = 2;
        public const int IrqCount = 16;

        private readonly PicInputLine[] _lines = new PicInputLine[IrqCount];
        private readonly IInterruptLine _output;
        private bool _outputLevel;

        /// <param name="output">The INTR wire to the CPU (null: the platform polls HasInterrupt).</param>
        public I8259Pic(IInterruptLine output)
        {
            _output = InterruptLines.OrNone(output);
            // IRQ 0-2 and IRQ 8 and 13 are edge-only on a PC chipset: their ELCR bits read 0.
            Master = new I8259("8259 PIC (master)", true, 0xF8) { Owner = this };
            Slave = new I8259("8259 PIC (slave)", false, 0xDE) { Owner = this };
            Elcr = new I8259Elcr(this);
            for (int irq = 0; irq < IrqCount; irq++)
                _lines[irq] = new PicInputLine(this, irq);
        }

        public I8259 Master { get; }
        public I8259 Slave { get; }

        /// <summary>The two ELCR bytes (offset 0: IRQ 0-7, offset 1: IRQ 8-15).</summary>
        public PortDevice Elcr { get; }

        /// <summary>The level on the master's INT output: an interrupt is ready for TryAcknowledge.</summary>
        public bool HasInterrupt => Master.HasInterrupt;

        /// <summary>Claims 0x20-0x21, 0xA0-0xA1 and 0x4D0-0x4D1; false if any is taken.</summary>
        public bool ClaimPorts(PortBus bus) =>
            bus.TryClaim(MasterPort, I8259.PortCount, Master) &&
            bus.TryClaim(SlavePort, I8259.PortCount, Slave) &&
            bus.TryClaim(ElcrPort, 2, Elcr);

        /// <summary>The wire for ISA IRQ `irq` (0-15). IRQ 2 is the cascade: as on the ISA bus, it arrives as IRQ 9.</summary>
        public IInterruptLine Line(int irq) => _lines[irq == CascadeInput ? 9 : irq & 15];

        /// <summary>Drives ISA IRQ `irq`; numbers outside 0-15 are ignored.</summary>
        public void SetIrq(int irq, bool level)
        {
            if (irq < 0 || irq >= IrqCount)
                return;
            if (irq == CascadeInput)
                irq = 9;
            if (irq < 8)
                Master.SetInput(irq, level);
            else
                Slave.SetInput(irq & 7, level);
            Update();
        }

        /// <summary>
        /// The INTA cycle: false when the master's INT output is low. Otherwise the vector of the
        /// highest-priority request, which is now in service; a slave whose request vanished
        /// answers with its IRQ 7 vector (a spurious IRQ 15), as the hardware does.
        /// </summary>
        public bool TryAcknowledge(out byte vector)
        {
            int input = Master.PendingInput();
            if (input < 0)
            {
                vector = 0;
                return false;
            }
            Master.Acknowledge(input);
            if (input == CascadeInput)
            {
                int slaveInput = Slave.PendingInput();
                if (slaveInput >= 0)
                    Slave.Acknowledge(slaveInput);
                else
                    slaveInput = 7;
                vector = (byte)(Slave.VectorBase + slaveInput);
            }
            else
            {
                vector = (byte)(Master.VectorBase + input);
            }
            Update();
            return true;
        }

        // The slave's INT drives the master's input 2; the master's INT drives the CPU's INTR.
        internal void Update()
        {
            Master.SetInput(CascadeInput, Slave.HasInterrupt);
            bool level = Master.HasInterrupt;
            if (level == _outputLevel)
                return;
            _outputLevel = level;
            _output.Set(level);
        }

        private sealed class PicInputLine : IInterruptLine
        {
            private readonly I8259Pic _pic;
            private readonly int _irq;

            public PicInputLine(I8259Pic pic, int irq)
            {
                _pic = pic;
                _irq = irq;
            }

            public void Set(bool level) => _pic.SetIrq(_irq, level);
        }
    }

    /// <summary>The edge/level control registers at 0x4D0 (IRQ 0-7) and 0x4D1 (IRQ 8-15).</summary>
    public sealed class I8259Elcr : PortDevice
    {
        private readonly I8259Pic _pic;

        internal I8259Elcr(I8259Pic pic) => _pic = pic;

        public override string Name => "8259 ELCR";

        public override uint Read(ushort offset, int size)
        {
            uint value = (uint)(_pic.Master.EdgeLevelControl | (_pic.Slave.EdgeLevelControl << 8));
            return offset == 0 ? (size >= 2 ? value : value & 0xFF) : value >> 8;
        }

        public override void Write(ushort offset, int size, uint value)
        {
            if (offset == 0)
                _pic.Master.EdgeLevelControl = (byte)value;
            if (offset == 1 || size >= 2)
                _pic.Slave.EdgeLevelControl = (byte)(offset == 1 ? value : value >> 8);
            _pic.Update();
        }
    }
}
