// The legacy PC devices every guest gets, wired as on a PC: the 8259 pair, the 8254 PIT with
// port 0x61, the CMOS RTC, COM1 (a 16550 whose output is the guest's console) and the 8042
// (whose reset line ends the guest). Time is given in, never read: Advance moves the timers to
// the guest's current time. Built at guest set-up; runs in VMX root; no allocation after that.
using System;

namespace BareVisor.Core.Devices
{
    public sealed class PcPlatform
    {
        public readonly I8259Pic Pic;
        public readonly I8254Pit Pit;
        public readonly CmosRtc Rtc;
        public readonly Uart16550 Com1;
        public readonly I8042 Keyboard;

        private ulong _now;
        private ulong _nextEventAt = ulong.MaxValue;

        public PcPlatform(PortBus bus, Action<byte> consoleOutput, Action resetRequested, ulong unixSeconds, ulong memoryBelow4G, ulong memoryAbove4G)
        {
            // The PIC's output is polled (HasInterrupt) before each VM entry, so it drives no wire.
            Pic = new I8259Pic(InterruptLines.None);
            Pit = new I8254Pit(Pic.Line(I8254Pit.Irq));
            Rtc = new CmosRtc(Pic.Line(CmosRtc.Irq), unixSeconds, memoryBelow4G, memoryAbove4G);
            Com1 = new Uart16550(Pic.Line(Uart16550.Com1Irq), consoleOutput);
            Keyboard = new I8042(Pic.Line(I8042.KeyboardIrq), Pic.Line(I8042.AuxIrq), resetRequested);
            Pic.ClaimPorts(bus);
            Pit.ClaimPorts(bus);
            new SystemControlPortB(Pit).ClaimPorts(bus);
            Rtc.ClaimPorts(bus);
            Com1.ClaimPorts(bus);
            Keyboard.ClaimPorts(bus);
        }

        // The guest's time since its devices were created; moving backwards is ignored.
        public void AdvanceTo(ulong nanoseconds)
        {
            if (nanoseconds > _now)
            {
                ulong elapsed = nanoseconds - _now;
                _now = nanoseconds;
                Pit.Advance(elapsed);
                Rtc.Advance(elapsed);
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
            || (port >= CmosRtc.Port && port < CmosRtc.Port + CmosRtc.PortCount);

        private void ScheduleNextEvent()
        {
            ulong next = Math.Min(Pit.NextEventNanoseconds, Rtc.NextEventNanoseconds);
            _nextEventAt = next == ulong.MaxValue || next > ulong.MaxValue - _now ? ulong.MaxValue : _now + next;
        }

        public bool HasInterrupt => Pic.HasInterrupt;

        public bool TryAcknowledge(out byte vector) => Pic.TryAcknowledge(out vector);
    }
}
