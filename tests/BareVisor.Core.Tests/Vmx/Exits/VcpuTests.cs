// Host test code. Vcpu's own services to the handlers: exception injection (SDM Vol. 3C 27.2.1.3,
// "Checks on VM-Entry Control Fields": error codes only in protected mode, only for the vectors
// that push one), moving past the instruction, stopping.
using BareVisor.Core.Guests;
using BareVisor.Core.Vmx;
using BareVisor.Core.Vmx.Exits;

namespace BareVisor.Core.Tests.Vmx.Exits
{
    public class VcpuTests
    {
        [Theory]
        [InlineData(8)]
        [InlineData(10)]
        [InlineData(11)]
        [InlineData(12)]
        [InlineData(13)]
        [InlineData(14)]
        [InlineData(17)]
        [InlineData(21)]
        public void ExceptionsThatPushAnErrorCodeDeliverIt(byte vector)
        {
            using VcpuHarness h = new VcpuHarness();
            Assert.Equal(ExitAction.Resume, h.Vcpu.InjectException(vector, 0x42));
            h.AssertInjected(vector, 0x42);
            Assert.Equal(0x80000B00u | vector, h.Injected.Value);
        }

        [Theory]
        [InlineData(0)]
        [InlineData(1)]
        [InlineData(5)]
        [InlineData(6)]
        [InlineData(7)]
        [InlineData(16)]
        [InlineData(18)]
        [InlineData(19)]
        [InlineData(20)]
        public void OtherExceptionsDeliverNone(byte vector)
        {
            using VcpuHarness h = new VcpuHarness();
            h.Set(VmcsField32.VmEntryExceptionErrorCode, 0x77);
            h.Vcpu.InjectException(vector, 0x42);
            h.AssertInjected(vector, null);
            Assert.Equal(0x80000300u | vector, h.Injected.Value);
            Assert.Equal(0x77UL, h.InjectedErrorCode);      // not written
        }

        [Fact]
        public void InRealModeNoErrorCodeIsDelivered()
        {
            using VcpuHarness h = new VcpuHarness(GuestStartMode.Real);
            h.Vcpu.InjectException(ExceptionVectors.GeneralProtection, 0x42);
            Assert.Equal(0x8000030Du, h.Injected.Value);
        }

        [Fact]
        public void InjectionDoesNotMoveRip()
        {
            using VcpuHarness h = new VcpuHarness();
            h.Regs.ExitInstructionLength = 5;
            h.Vcpu.InjectException(ExceptionVectors.InvalidOpcode);
            Assert.Equal(VcpuHarness.Entry, h.Vcpu.Rip);
        }

        [Fact]
        public void SkipInstructionAddsTheExitInstructionLength()
        {
            using VcpuHarness h = new VcpuHarness();
            h.Regs.ExitInstructionLength = 15;
            h.Vcpu.SkipInstruction();
            h.Vcpu.SkipInstruction();
            Assert.Equal(VcpuHarness.Entry + 30, h.Vcpu.Rip);
        }

        [Fact]
        public void StopRecordsTheReason()
        {
            using VcpuHarness h = new VcpuHarness();
            Assert.Equal(ExitAction.StopGuest, h.Vcpu.Stop("because"));
            Assert.Equal("because", h.Vcpu.StopReason);
        }
    }
}
