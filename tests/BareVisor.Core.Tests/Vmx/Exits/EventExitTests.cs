// Host test code. Event injection and reflection (SDM Vol. 3C, "VM-Entry Controls for Event
// Injection", "Information for VM Exits Due to Vectored Events", "Information for VM Exits That
// Occur During Event Delivery"), the interrupt window, and EPT exits.
using BareVisor.Core.Guests;
using BareVisor.Core.Vmx;
using BareVisor.Core.Vmx.Exits;

namespace BareVisor.Core.Tests.Vmx.Exits
{
    public class EventExitTests
    {
        private const uint Valid = 1u << 31, ErrorCode = 1u << 11, NmiUnblocking = 1u << 12;
        private const uint External = 0 << 8, Nmi = 2 << 8, Hardware = 3 << 8, SoftwareInterrupt = 4 << 8, SoftwareException = 6 << 8;

        private static ExitAction ExceptionExit(VcpuHarness h, uint information, uint errorCode = 0, int instructionLength = 0)
        {
            h.Set(VmcsField32.VmExitInterruptionInformation, information);
            h.Set(VmcsField32.VmExitInterruptionErrorCode, errorCode);
            return h.Exit(ExitReason.ExceptionOrNmi, instructionLength: instructionLength);
        }

        [Fact]
        public void AHardwareExceptionIsReflectedWithItsErrorCode()
        {
            using VcpuHarness h = new VcpuHarness();
            Assert.Equal(ExitAction.Resume, ExceptionExit(h, Valid | Hardware | ErrorCode | 13, 0x18));
            h.AssertInjected(ExceptionVectors.GeneralProtection, 0x18);
            Assert.Equal(VcpuHarness.Entry, h.Rip);
        }

        [Fact]
        public void InRealModeTheCpuReportsNoErrorCodeAndNoneIsDelivered()
        {
            using VcpuHarness h = new VcpuHarness(GuestStartMode.Real);
            ExceptionExit(h, Valid | Hardware | 13, 0x18);
            h.AssertInjected(ExceptionVectors.GeneralProtection, null);
        }

        [Fact]
        public void AnExceptionWithoutErrorCodeIsReflectedWithout()
        {
            using VcpuHarness h = new VcpuHarness();
            ExceptionExit(h, Valid | Hardware | 6);
            h.AssertInjected(ExceptionVectors.InvalidOpcode, null);
        }

        [Fact]
        public void AReflectedPageFaultLoadsCr2FromTheExitQualification()
        {
            using VcpuHarness h = new VcpuHarness(GuestStartMode.Long);
            h.Regs.Cr2 = 0x1111;
            h.Set(VmcsField32.VmExitInterruptionInformation, Valid | Hardware | ErrorCode | 14);
            h.Set(VmcsField32.VmExitInterruptionErrorCode, 0x6);
            h.Exit(ExitReason.ExceptionOrNmi, 0xFFFF8000_00401000);
            h.AssertInjected(ExceptionVectors.PageFault, 0x6);
            Assert.Equal(0xFFFF8000_00401000UL, h.Regs.Cr2);
        }

        [Fact]
        public void OtherReflectedExceptionsLeaveCr2Alone()
        {
            using VcpuHarness h = new VcpuHarness();
            h.Regs.Cr2 = 0x1111;
            h.Set(VmcsField32.VmExitInterruptionInformation, Valid | Hardware | ErrorCode | 13);
            h.Exit(ExitReason.ExceptionOrNmi, 0x2222);
            Assert.Equal(0x1111UL, h.Regs.Cr2);
        }

        [Fact]
        public void Int3StaysASoftwareExceptionSoTheGuestResumesAfterIt()
        {
            // Injected as a hardware exception, #BP would push the INT3's own address and the guest's
            // handler would return into it forever; type 6 with the instruction length pushes the next one.
            using VcpuHarness h = new VcpuHarness();
            ExceptionExit(h, Valid | SoftwareException | 3, instructionLength: 1);
            InterruptionInformation injected = h.Injected;
            Assert.True(injected.Valid);
            Assert.Equal(InterruptionType.SoftwareException, injected.Type);
            Assert.Equal(ExceptionVectors.Breakpoint, injected.Vector);
            Assert.False(injected.ErrorCodeValid);
            Assert.Equal(1UL, h.Get(VmcsField32.VmEntryInstructionLength));
            Assert.Equal(VcpuHarness.Entry, h.Rip);
        }

        [Fact]
        public void AnNmiStaysAnNmi()
        {
            using VcpuHarness h = new VcpuHarness();
            ExceptionExit(h, Valid | Nmi | 2);
            Assert.Equal(Valid | Nmi | 2, h.Injected.Value);
        }

        [Fact]
        public void AnNmiIsTheHostsFirst()
        {
            // A panic on another CPU stops this one in HostNmi (it never returns in the kernel).
            using VcpuHarness h = new VcpuHarness();
            ExceptionExit(h, Valid | Nmi | 2);
            Assert.Contains("host NMI", h.Platform.Log);
        }

        [Fact]
        public void AnExceptionIsNotAnNmiForTheHost()
        {
            using VcpuHarness h = new VcpuHarness();
            ExceptionExit(h, Valid | Hardware | ErrorCode | 14, 0x2);
            Assert.DoesNotContain("host NMI", h.Platform.Log);
        }

        [Fact]
        public void NmiUnblockingIsExitInformationOnly()
        {
            // Bit 12 is reserved (0) in the VM-entry interruption-information field.
            using VcpuHarness h = new VcpuHarness();
            ExceptionExit(h, Valid | Hardware | ErrorCode | NmiUnblocking | 14, 0x2);
            Assert.Equal(Valid | Hardware | ErrorCode | 14, h.Injected.Value);
            Assert.Equal(2UL, h.InjectedErrorCode);
        }

        [Fact]
        public void AnEventCutOffByTheExitIsDeliveredAgain()
        {
            using VcpuHarness h = new VcpuHarness();
            Assert.Equal(ExitAction.Resume, h.Exit(ExitReason.ExternalInterrupt, idtVectoring: Valid | External | 0x30));
            Assert.Equal(Valid | External | 0x30, h.Injected.Value);
            Assert.Equal(VcpuHarness.Entry, h.Rip);
        }

        [Fact]
        public void ACutOffExceptionKeepsItsErrorCode()
        {
            using VcpuHarness h = new VcpuHarness();
            h.Set(VmcsField32.IdtVectoringErrorCode, 0x1B);
            h.Set(VmcsField64.GuestPhysicalAddress, 0xFEE00000);
            h.Exit(ExitReason.EptViolation, 1, idtVectoring: Valid | Hardware | ErrorCode | 14);
            Assert.Equal(Valid | Hardware | ErrorCode | 14, h.Injected.Value);
            Assert.Equal(0x1BUL, h.InjectedErrorCode);
        }

        [Fact]
        public void ACutOffSoftwareInterruptKeepsItsInstructionLength()
        {
            using VcpuHarness h = new VcpuHarness();
            h.Set(VmcsField64.GuestPhysicalAddress, 0xFEE00000);
            h.Exit(ExitReason.EptViolation, 1, instructionLength: 2, idtVectoring: Valid | SoftwareInterrupt | 0x80);
            Assert.Equal(Valid | SoftwareInterrupt | 0x80, h.Injected.Value);
            Assert.Equal(2UL, h.Get(VmcsField32.VmEntryInstructionLength));
        }

        [Fact]
        public void ACutOffEventWithoutErrorCodeLeavesTheErrorCodeField()
        {
            using VcpuHarness h = new VcpuHarness();
            h.Set(VmcsField32.VmEntryExceptionErrorCode, 0x55);
            h.Set(VmcsField32.IdtVectoringErrorCode, 0x66);
            h.Exit(ExitReason.ExternalInterrupt, idtVectoring: Valid | External | 0x20);
            Assert.Equal(0x55UL, h.InjectedErrorCode);
        }

        [Fact]
        public void NoCutOffEventMeansNothingIsInjected()
        {
            using VcpuHarness h = new VcpuHarness();
            h.Exit(ExitReason.ExternalInterrupt, idtVectoring: 0x30);      // valid bit clear
            h.AssertNothingInjected();
        }

        [Fact]
        public void TheInterruptWindowIsClosedAgain()
        {
            using VcpuHarness h = new VcpuHarness();
            uint controls = (uint)(PrimaryProcessorBasedControls.InterruptWindowExiting | PrimaryProcessorBasedControls.HltExiting
                | PrimaryProcessorBasedControls.UseIoBitmaps | PrimaryProcessorBasedControls.ActivateSecondaryControls);
            h.Set(VmcsField32.PrimaryProcessorBasedVmExecutionControls, controls);
            Assert.Equal(ExitAction.Resume, h.Exit(ExitReason.InterruptWindow));
            Assert.Equal((ulong)(controls & ~(uint)PrimaryProcessorBasedControls.InterruptWindowExiting),
                h.Get(VmcsField32.PrimaryProcessorBasedVmExecutionControls));
            h.AssertNothingInjected();
            Assert.Equal(VcpuHarness.Entry, h.Rip);
        }

        // Reads and writes there are the open bus's (EptExitMmioTests); code cannot run from nowhere.
        [Fact]
        public void AnInstructionFetchOutsideRamAndDevicesStopsTheGuest()
        {
            using VcpuHarness h = new VcpuHarness();
            h.Set(VmcsField64.GuestPhysicalAddress, 0xFEE00030);
            Assert.Equal(ExitAction.StopGuest, h.Exit(ExitReason.EptViolation, 0x4));
            Assert.Equal("instruction fetch from guest-physical 0xfee00030: no memory or device there", h.Vcpu.StopReason);
        }

        [Fact]
        public void AnEptMisconfigurationIsReportedAsBareVisorsBug()
        {
            using VcpuHarness h = new VcpuHarness();
            h.Set(VmcsField64.GuestPhysicalAddress, 0x123456000);
            Assert.Equal(ExitAction.StopGuest, h.Exit(ExitReason.EptMisconfiguration));
            Assert.Equal("EPT misconfiguration at guest-physical 0x123456000 (a BareVisor bug in its EPT tables)", h.Vcpu.StopReason);
        }
    }
}
