// The PC every guest gets, wired as on a real one: the 8259 pair, the 8254 PIT with port 0x61,
// the CMOS RTC, COM1 (a 16550 whose output is the guest's console), the 8042 (whose reset line
// ends the guest), an I/O APIC and the vCPU's local APIC, the ACPI PM registers (PM timer, S5 ends
// the guest; SCI on IRQ 9), PCI configuration mechanism #1 with a host bridge, and QEMU's fw_cfg
// and isa-debug-exit for test kernels. Each ISA interrupt goes to both the 8259
// and the I/O APIC (IRQ 0 to pin 2, as the MADT's override says); the 8259's output reaches the
// vCPU only while the local APIC lets ExtINT through (virtual wire or APIC off). Time is given in,
// never read: AdvanceTo moves the timers to the guest's current time. Built at guest set-up;
// runs in VMX root; no allocation after that.
using System;
using BareVisor.Core.Text;

namespace BareVisor.Core.Devices
{
    public sealed class PcPlatform
    {
        // ISA IRQ 0 (the PIT) arrives on I/O APIC pin 2; the other ISA IRQs on the pin of their number.
        public const int TimerIoApicPin = 2;

        public const byte IoApicId = 0;

        public readonly I8259Pic Pic;
        public readonly I8254Pit Pit;
        public readonly CmosRtc Rtc;
        public readonly Uart16550 Com1;
        public readonly I8042 Keyboard;
        public readonly LocalApic Apic;
        public readonly IoApic IoApic;
        public readonly AcpiPmDevice AcpiPm;

        // What the 8042, the ACPI PM registers and isa-debug-exit asked of the VM.
        public readonly DeviceRequests Requests = new DeviceRequests();

        private ulong _now;
        private ulong _nextEventAt = ulong.MaxValue;

        public PcPlatform(PortBus ports, MmioBus mmio, in PcPlatformSettings settings)
        {
            // The PIC's output is polled (HasInterrupt) before each VM entry, so it drives no wire.
            Pic = new I8259Pic(InterruptLines.None);
            Apic = new LocalApic(settings.TscHz, settings.TscAtZero);
            IoApic = new IoApic(Apic, IoApicId);
            Pit = new I8254Pit(IsaIrq(I8254Pit.Irq));
            Rtc = new CmosRtc(IsaIrq(CmosRtc.Irq), settings.UnixSeconds, settings.MemoryBelow4G, settings.MemoryAbove4G);
            Com1 = new Uart16550(IsaIrq(Uart16550.Com1Irq), settings.ConsoleOutput);
            Keyboard = new I8042(IsaIrq(I8042.KeyboardIrq), IsaIrq(I8042.AuxIrq), Requests);
            AcpiPm = new AcpiPmDevice(IsaIrq(AcpiPmDevice.Irq), Requests);
            Pic.ClaimPorts(ports);
            Pit.ClaimPorts(ports);
            new SystemControlPortA(Requests).ClaimPorts(ports);
            new SystemControlPortB(Pit).ClaimPorts(ports);
            Rtc.ClaimPorts(ports);
            Com1.ClaimPorts(ports);
            Keyboard.ClaimPorts(ports);
            AcpiPm.ClaimPorts(ports);
            new PciHostBridge().ClaimPorts(ports);
            new FwCfg(settings.MemoryBelow4G + settings.MemoryAbove4G, 1).ClaimPorts(ports);
            new DebugExitPort(Requests).ClaimPorts(ports);
            mmio.TryClaim(new Memory.GuestPhysical(LocalApic.DefaultBase), LocalApic.WindowSize, Apic);
            mmio.TryClaim(new Memory.GuestPhysical(IoApic.DefaultBase), IoApic.WindowSize, IoApic);
        }

        // The wire of one ISA IRQ: to the 8259 input and to the I/O APIC pin it is routed to.
        private IInterruptLine IsaIrq(int irq) =>
            new SplitInterruptLine(Pic.Line(irq), IoApic.Pin(irq == I8254Pit.Irq ? TimerIoApicPin : irq));

        // The guest's time since its devices were created; moving backwards is ignored.
        public void AdvanceTo(ulong nanoseconds)
        {
            if (nanoseconds > _now)
            {
                ulong elapsed = nanoseconds - _now;
                _now = nanoseconds;
                Pit.Advance(elapsed);
                Rtc.Advance(elapsed);
                Apic.Advance(elapsed);
                AcpiPm.Advance(elapsed);
            }
            ScheduleNextEvent();
        }

        // When (in the same time as AdvanceTo) a timer next raises an interrupt; ulong.MaxValue
        // when none is armed. Valid until the guest reprograms a timer (see IsTimerPort).
        public ulong NextEventAt => _nextEventAt;

        // The timers only need moving when an event is due or the guest touches their ports: the
        // run loop checks this instead of advancing them on every exit.
        public bool IsDue(ulong nanoseconds) => nanoseconds >= _nextEventAt;

        public static bool IsTimerPort(ushort port) =>
            (port >= I8254Pit.Port && port < I8254Pit.Port + I8254Pit.PortCount) || port == SystemControlPortB.Port
            || (port >= CmosRtc.Port && port < CmosRtc.Port + CmosRtc.PortCount)
            || (port >= AcpiPmDevice.Port && port < AcpiPmDevice.Port + AcpiPmDevice.PortCount);

        public static bool IsTimerMmio(Memory.GuestPhysical address) =>
            address.Value >= LocalApic.DefaultBase && LocalApic.IsTimerOffset(address.Value - LocalApic.DefaultBase);

        private void ScheduleNextEvent()
        {
            ulong next = Math.Min(Math.Min(Pit.NextEventNanoseconds, Rtc.NextEventNanoseconds),
                                  Math.Min(Apic.NextEventNanoseconds, AcpiPm.NextEventNanoseconds));
            _nextEventAt = next == ulong.MaxValue || next > ulong.MaxValue - _now ? ulong.MaxValue : _now + next;
        }

        /// <summary>
        /// What the devices dropped because this PC cannot do it (IPIs to other CPUs, I/O APIC
        /// messages it cannot deliver, sleep states other than S5), for the guest's exit report;
        /// null when nothing was. Allocates: called once, when the guest has stopped.
        /// </summary>
        public string DescribeDropped()
        {
            TextBuffer text = new TextBuffer(stackalloc char[320]);
            Item(ref text, Apic.IgnoredIpiCount, " IPIs other than fixed ones to itself (last ICR ", Apic.LastIgnoredIpi);
            Item(ref text, IoApic.UnsupportedDeliveries, " I/O APIC messages in NMI, SMI, INIT or ExtINT mode", null);
            Item(ref text, IoApic.UnroutedDeliveries, " I/O APIC messages for another APIC", null);
            Item(ref text, (ulong)AcpiPm.IgnoredSleepRequests, " sleep requests other than S5 (last SLP_TYP ", AcpiPm.LastIgnoredSleepType);
            return text.Length == 0 ? null : "dropped: " + text.ToString();
        }

        private static void Item(ref TextBuffer text, ulong count, string what, ulong? last)
        {
            if (count == 0)
                return;
            if (text.Length != 0)
                text.Append(", ");
            text.AppendDecimal(count);
            text.Append(what);
            if (last.HasValue)
            {
                text.AppendHexPrefixed(last.Value);
                text.Append(')');
            }
        }

        public bool HasInterrupt => Apic.HasInterrupt || (Apic.AcceptsExtInt && Pic.HasInterrupt);

        // The local APIC's interrupts first; the 8259's (ExtINT) when the APIC has none to give.
        public bool TryAcknowledge(out byte vector)
        {
            if (Apic.TryAcknowledge(out vector))
                return true;
            return Apic.AcceptsExtInt && Pic.TryAcknowledge(out vector);
        }
    }

    /// <summary>What a PcPlatform is built from: the guest's console, its RAM for the CMOS and fw_cfg, and its clocks.</summary>
    public struct PcPlatformSettings
    {
        public Action<byte> ConsoleOutput;
        public ulong UnixSeconds;
        public ulong MemoryBelow4G;
        public ulong MemoryAbove4G;

        // The guest's TSC: its rate and its value when the platform's time is 0.
        public ulong TscHz;
        public ulong TscAtZero;
    }
}
