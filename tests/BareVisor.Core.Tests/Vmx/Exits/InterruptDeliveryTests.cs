// Host test code. HLT sleeping and device interrupts reaching the vCPU: the legacy PC devices on
// the harness's port bus, programmed as a guest would, with time moved by hand.
using BareVisor.Core.Devices;
using BareVisor.Core.Vmx;
using BareVisor.Core.Vmx.Exits;
using Xunit;

namespace BareVisor.Core.Tests.Vmx.Exits
{
    public class InterruptDeliveryTests
    {
        private const ulong InterruptsOn = 0x202;
        private const byte TimerVector = 0x20;

        private static VcpuHarness WithDevices()
        {
            VcpuHarness h = new VcpuHarness();
            h.Platform.Ports = new PortBus();
            h.Platform.Devices = h.Platform.NewPcPlatform(h.Platform.Ports, new MmioBus());
            h.Vcpu.HasPreemptionTimer = true;
            return h;
        }

        // ICW1-4 with the master at vector 0x20, all unmasked; PIT counter 0 in mode 2 at 1 kHz.
        private static void ProgramPicAndPit(VcpuHarness h)
        {
            int[][] writes =
            {
                new[] { 0x20, 0x11 }, new[] { 0x21, TimerVector }, new[] { 0x21, 0x04 }, new[] { 0x21, 0x01 },
                new[] { 0xA0, 0x11 }, new[] { 0xA1, 0x28 }, new[] { 0xA1, 0x02 }, new[] { 0xA1, 0x01 },
                new[] { 0x21, 0x00 }, new[] { 0xA1, 0x00 }, new[] { 0x43, 0x34 }, new[] { 0x40, 0xA9 }, new[] { 0x40, 0x04 },
            };
            foreach (int[] w in writes)
                Assert.True(h.Platform.Ports.TryWrite((ushort)w[0], 1, (uint)w[1]));
            // Programming mode 2 raises OUT: that first edge is acknowledged and ended like a guest's
            // start-up would.
            Assert.True(h.Platform.Devices.TryAcknowledge(out _));
            Assert.True(h.Platform.Ports.TryWrite(0x20, 1, 0x20));
            // The kernel's platform does this after every write to a timer port.
            h.Platform.Devices.AdvanceTo(h.Platform.NowNanoseconds);
        }

        private static void BeforeEntry(VcpuHarness h) => InterruptDelivery.BeforeEntry(ref h.Vcpu, h.Platform.NowNanoseconds);

        [Fact]
        public void HltWithATimerArmedSleepsInTheHltActivityState()
        {
            using VcpuHarness h = WithDevices();
            ProgramPicAndPit(h);
            h.Set(VmcsFieldNatural.GuestRflags, InterruptsOn);
            Assert.Equal(ExitAction.Resume, h.Exit(ExitReason.Hlt, instructionLength: 1));
            Assert.True(h.Vcpu.Halted);
            Assert.Equal(InterruptDelivery.ActivityHlt, h.Get(VmcsField32.GuestActivityState));
            Assert.NotEqual(ulong.MaxValue, h.Platform.Devices.NextEventAt);
        }

        [Fact]
        public void TheTimerInterruptWakesTheHaltedVcpu()
        {
            using VcpuHarness h = WithDevices();
            ProgramPicAndPit(h);
            h.Set(VmcsFieldNatural.GuestRflags, InterruptsOn);
            h.Exit(ExitReason.Hlt, instructionLength: 1);
            BeforeEntry(h);
            h.AssertNothingInjected();
            h.Platform.NowNanoseconds = 2_000_000;
            BeforeEntry(h);
            Assert.True(h.Injected.Valid);
            Assert.Equal(TimerVector, h.Injected.Vector);
            Assert.Equal(InterruptionType.ExternalInterrupt, h.Injected.Type);
            Assert.False(h.Vcpu.Halted);
            Assert.Equal(InterruptDelivery.ActivityActive, h.Get(VmcsField32.GuestActivityState));
        }

        [Fact]
        public void WithInterruptsOffTheInterruptWaitsForAWindow()
        {
            using VcpuHarness h = WithDevices();
            ProgramPicAndPit(h);
            h.Set(VmcsFieldNatural.GuestRflags, 0x2);
            h.Platform.NowNanoseconds = 2_000_000;
            BeforeEntry(h);
            h.AssertNothingInjected();
            uint controls = (uint)h.Get(VmcsField32.PrimaryProcessorBasedVmExecutionControls);
            Assert.NotEqual(0u, controls & (uint)PrimaryProcessorBasedControls.InterruptWindowExiting);
        }

        [Fact]
        public void AnStiShadowAlsoDefersTheInterrupt()
        {
            using VcpuHarness h = WithDevices();
            ProgramPicAndPit(h);
            h.Set(VmcsFieldNatural.GuestRflags, InterruptsOn);
            h.Set(VmcsField32.GuestInterruptibilityState, 1);
            h.Platform.NowNanoseconds = 2_000_000;
            BeforeEntry(h);
            h.AssertNothingInjected();
        }

        [Fact]
        public void HltWithoutAPreemptionTimerStopsTheGuest()
        {
            using VcpuHarness h = WithDevices();
            ProgramPicAndPit(h);
            h.Vcpu.HasPreemptionTimer = false;
            h.Set(VmcsFieldNatural.GuestRflags, InterruptsOn);
            Assert.Equal(ExitAction.StopGuest, h.Exit(ExitReason.Hlt, instructionLength: 1));
            Assert.Equal("halted, and this CPU has no VMX-preemption timer to wake it", h.Vcpu.StopReason);
        }
    }
}
