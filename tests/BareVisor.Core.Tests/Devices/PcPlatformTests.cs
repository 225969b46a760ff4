// Host test code. The PC as a whole: ISA interrupts through the I/O APIC (IRQ 0 on pin 2) or the
// 8259 (only while the local APIC passes ExtINT), the APIC timer in the platform's schedule, and
// the devices that end the guest.
using BareVisor.Core.Devices;
using BareVisor.Core.Memory;
using Xunit;

namespace BareVisor.Core.Tests.Devices
{
    public class PcPlatformTests
    {
        private readonly PortBus _ports = new PortBus();
        private readonly MmioBus _mmio = new MmioBus();
        private readonly PcPlatform _pc;

        public PcPlatformTests()
        {
            PcPlatformSettings settings = new PcPlatformSettings
            {
                ConsoleOutput = _ => { },
                UnixSeconds = 1_700_000_000,
                MemoryBelow4G = 64UL << 20,
                TscHz = 1_000_000_000,
            };
            _pc = new PcPlatform(_ports, _mmio, settings);
        }

        private void Out(ushort port, uint value, int size = 1) => Assert.True(_ports.TryWrite(port, size, value));

        private void Mmio(ulong address, uint value) => Assert.True(_mmio.TryWrite(new GuestPhysical(address), 4, value));

        // 8259 pair at vectors 0x20/0x28, only IRQ 0 unmasked; PIT counter 0 in mode 2 at 1 kHz.
        private void ProgramPicAndPit(byte masterMask)
        {
            foreach ((ushort port, uint value) in new (ushort, uint)[]
            {
                (0x20, 0x11), (0x21, 0x20), (0x21, 0x04), (0x21, 0x01), (0xA0, 0x11), (0xA1, 0x28), (0xA1, 0x02), (0xA1, 0x01),
                (0x21, masterMask), (0xA1, 0xFF), (0x43, 0x34), (0x40, 0xA9), (0x40, 0x04),
            })
                Out(port, value);
        }

        [Fact]
        public void ThePitReachesTheLocalApicThroughIoApicPin2()
        {
            Mmio(0xFEE000F0, 0x1FF);                                        // SVR: APIC on; LINT0 stays masked
            Mmio(0xFEC00000, 0x10 + 2 * 2);                                 // IOREGSEL: redirection entry 2, low
            Mmio(0xFEC00010, 0x30);                                         // vector 0x30, fixed, edge, unmasked
            ProgramPicAndPit(masterMask: 0xFF);
            _pc.AdvanceTo(2_000_000);
            Assert.True(_pc.HasInterrupt);
            Assert.True(_pc.TryAcknowledge(out byte vector));
            Assert.Equal(0x30, vector);
        }

        [Fact]
        public void The8259IsHeardOnlyWhileTheLocalApicPassesExtInt()
        {
            ProgramPicAndPit(masterMask: 0xFE);
            _pc.AdvanceTo(2_000_000);
            Assert.True(_pc.HasInterrupt);                                  // APIC software-disabled: virtual wire
            Mmio(0xFEE000F0, 0x1FF);                                        // APIC on, LINT0 masked
            Assert.False(_pc.HasInterrupt);
            Mmio(0xFEE00350, 0x700);                                        // LINT0: ExtINT, unmasked
            Assert.True(_pc.TryAcknowledge(out byte vector));
            Assert.Equal(0x20, vector);
        }

        [Fact]
        public void TheApicTimerIsInThePlatformsSchedule()
        {
            Mmio(0xFEE000F0, 0x1FF);
            Mmio(0xFEE003E0, 0xB);                                          // divide by 1
            Mmio(0xFEE00320, 0x40);                                         // one-shot, vector 0x40
            Mmio(0xFEE00380, 25_000);                                       // 1 ms at 25 MHz
            _pc.AdvanceTo(0);
            Assert.Equal(1_000_000UL, _pc.NextEventAt);
            _pc.AdvanceTo(1_000_000);
            Assert.True(_pc.TryAcknowledge(out byte vector));
            Assert.Equal(0x40, vector);
        }

        [Fact]
        public void TheDevicesThatEndTheGuestRecordTheirRequest()
        {
            Assert.Equal(DeviceRequest.None, _pc.Requests.Pending);
            Out(0x604, (5u << 10) | (1u << 13), size: 2);                   // PM1a_CNT: SLP_TYP = S5, SLP_EN
            Assert.Equal(DeviceRequest.PowerOff, _pc.Requests.Pending);
            Assert.Equal("powered off through ACPI (S5)", _pc.Requests.StopReason);
            Out(0xF4, 3);
            Assert.Equal(DeviceRequest.DebugExit, _pc.Requests.Pending);
            Assert.Equal(7u, _pc.Requests.Status);
            Assert.Equal("isa-debug-exit with status 7", _pc.Requests.StopReason);
            Out(0x64, I8042.PulseResetCommand);
            Assert.Equal(DeviceRequest.Reset, _pc.Requests.Pending);
            Assert.Equal("reset through the keyboard controller", _pc.Requests.StopReason);
            Out(0x92, 0x03);
            Assert.Equal(DeviceRequest.Reset, _pc.Requests.Pending);
            Assert.Equal("reset through port 0x92 (fast reset)", _pc.Requests.StopReason);
        }

        [Theory]
        [InlineData(0x40, true)]
        [InlineData(0x61, true)]
        [InlineData(0x71, true)]
        [InlineData(0x608, true)]
        [InlineData(0x3F8, false)]
        [InlineData(0x510, false)]
        public void TimerPortsAreTheOnesThatReadTheTime(ushort port, bool timer) => Assert.Equal(timer, PcPlatform.IsTimerPort(port));

        [Fact]
        public void NothingDroppedMeansNothingToReport() => Assert.Null(_pc.DescribeDropped());

        [Fact]
        public void WhatTheDevicesDroppedIsReported()
        {
            Mmio(0xFEE000F0, 0x1FF);
            Mmio(0xFEE00310, 1u << 24);                                     // ICR high: destination APIC 1
            Mmio(0xFEE00300, 0x4500);                                       // ICR low: INIT to it
            Out(0x604, (3u << 10) | (1u << 13), size: 2);                   // SLP_TYP 3 (S3), SLP_EN
            Assert.Equal("dropped: 1 IPIs other than fixed ones to itself (last ICR 0x100000000004500), 1 sleep requests other than S5 (last SLP_TYP 0x3)",
                         _pc.DescribeDropped());
        }
    }
}
