// Host test code. APIC-access exits: an EOI write is done without decoding and skips the
// instruction by the exit's instruction length; other reads and writes of the xAPIC page go
// through the MMIO emulator; accesses that are not the guest instruction's own stop the guest.
using BareVisor.Core.Devices;
using BareVisor.Core.Vmx;
using BareVisor.Core.Vmx.Exits;
using Xunit;

namespace BareVisor.Core.Tests.Vmx.Exits
{
    public class ApicAccessExitTests
    {
        private const ulong LinearWrite = 1UL << 12, EventDelivery = 3UL << 12;
        private const uint SvrEnabled = 0x1FF;

        private static VcpuHarness WithApicPage()
        {
            VcpuHarness h = new VcpuHarness();
            h.Platform.Mmio = new MmioBus();
            h.Platform.Devices = h.Platform.NewPcPlatform(new PortBus(), h.Platform.Mmio);
            h.Platform.Devices.Apic.Write(0xF0, 4, SvrEnabled);
            return h;
        }

        [Fact]
        public void AnEoiWriteEndsTheInServiceInterruptAndSkipsTheInstruction()
        {
            using VcpuHarness h = WithApicPage();
            LocalApic apic = h.Platform.Devices.Apic;
            apic.Accept(0x40, levelTriggered: false);
            Assert.True(apic.TryAcknowledge(out byte vector));
            Assert.Equal(0x40, vector);
            Assert.Equal(1UL << 0, apic.Read(0x120, 4));            // ISR bits 95:64: vector 0x40 in service
            ulong rip = h.Rip;
            Assert.Equal(ExitAction.Resume, h.Exit(ExitReason.ApicAccess, LinearWrite | 0xB0, instructionLength: 10));
            Assert.Equal(0UL, apic.Read(0x120, 4));
            Assert.Equal(rip + 10, h.Rip);
            Assert.Equal(0, h.Platform.MemoryReads);                // no instruction fetch
        }

        [Fact]
        public void OtherRegistersAreEmulatedFromTheInstruction()
        {
            using VcpuHarness h = WithApicPage();
            h.Platform.WriteMemory(VcpuHarness.Entry, new byte[] { 0xA1, 0x30, 0x00, 0xE0, 0xFE });   // mov eax, [0xFEE00030]
            Assert.Equal(ExitAction.Resume, h.Exit(ExitReason.ApicAccess, 0x30, instructionLength: 5));
            Assert.Equal(0x50014UL, h.Regs.Rax);
            Assert.Equal(VcpuHarness.Entry + 5, h.Rip);
        }

        [Fact]
        public void AnAccessDuringEventDeliveryStopsTheGuest()
        {
            using VcpuHarness h = WithApicPage();
            Assert.Equal(ExitAction.StopGuest, h.Exit(ExitReason.ApicAccess, EventDelivery | 0x80));
            Assert.Equal("APIC access of type 3 at offset 0x80 of the local APIC page: only the guest's own reads and writes are emulated", h.Vcpu.StopReason);
        }
    }
}
