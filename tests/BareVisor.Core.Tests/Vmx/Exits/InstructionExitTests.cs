// Host test code. INVD/WBINVD, RDTSC/RDTSCP, XSETBV (SDM Vol. 2 for each instruction) and HLT.
using BareVisor.Core.Guests;
using BareVisor.Core.Vmx;
using BareVisor.Core.Vmx.Exits;

namespace BareVisor.Core.Tests.Vmx.Exits
{
    public class InstructionExitTests
    {
        private const uint Xsave = 1u << 26;

        [Theory]
        [InlineData(ExitReason.Invd)]
        [InlineData(ExitReason.WbinvdOrWbnoinvd)]
        public void CacheFlushesAreNoOps(ExitReason reason)
        {
            using VcpuHarness h = new VcpuHarness();
            h.Regs.Rax = 5;
            Assert.Equal(ExitAction.Resume, h.Exit(reason, instructionLength: 2));
            Assert.Equal(VcpuHarness.Entry + 2, h.Rip);
            Assert.Equal(5UL, h.Regs.Rax);
            h.AssertNothingInjected();
        }

        [Fact]
        public void RdtscSplitsTheTscIntoEdxEax()
        {
            using VcpuHarness h = new VcpuHarness(GuestStartMode.Long);
            h.Platform.Tsc = 0x11223344_55667788;
            h.Regs.Rax = h.Regs.Rdx = ulong.MaxValue;
            h.Regs.Rcx = 0xC0C0;
            Assert.Equal(ExitAction.Resume, h.Exit(ExitReason.Rdtsc, instructionLength: 2));
            Assert.Equal(0x55667788UL, h.Regs.Rax);
            Assert.Equal(0x11223344UL, h.Regs.Rdx);
            Assert.Equal(0xC0C0UL, h.Regs.Rcx);
            Assert.Equal(VcpuHarness.Entry + 2, h.Rip);
        }

        [Fact]
        public void RdtscpAlsoLoadsEcxWithTscAux()
        {
            // ECX = IA32_TSC_AUX, which every guest starts with at 0 (MsrPolicy.ClearedAtGuestStart).
            using VcpuHarness h = new VcpuHarness(GuestStartMode.Long);
            h.Platform.Tsc = 0xFFFFFFFF_00000001;
            h.Regs.Rcx = ulong.MaxValue;
            h.Exit(ExitReason.Rdtscp, instructionLength: 3);
            Assert.Equal(1UL, h.Regs.Rax);
            Assert.Equal(0xFFFFFFFFUL, h.Regs.Rdx);
            Assert.Equal(0UL, h.Regs.Rcx);
            Assert.Equal(VcpuHarness.Entry + 3, h.Rip);
        }

        // A host with XSAVE whose CPUID leaf 0xD offers x87, SSE, AVX and AVX-512 state.
        private static VcpuHarness XsaveHost(uint leafDEax = 0xE7)
        {
            VcpuHarness h = new VcpuHarness();
            h.Platform.SetCpuid(1, 0, 0, Xsave, 0);
            h.Platform.SetCpuid(0xD, 0, leafDEax, 576, 2688, 0);
            h.Platform.SetCpuid(0xD, 2, 256, 576, 0, 0);
            return h;
        }

        private static ExitAction Xsetbv(VcpuHarness h, ulong value, ulong xcr = 0)
        {
            h.Regs.Rcx = xcr;
            h.Regs.Rax = 0xFFFFFFFF_00000000 | (uint)value;
            h.Regs.Rdx = 0xFFFFFFFF_00000000 | (value >> 32);
            return h.Exit(ExitReason.Xsetbv, instructionLength: 3);
        }

        [Theory]
        [InlineData(0x1UL)]
        [InlineData(0x3UL)]
        [InlineData(0x7UL)]
        public void XsetbvAcceptsWhatCpuidOffers(ulong value)
        {
            // The check is against CPUID leaf 0xD, not the XCR0 currently loaded (the guest's own).
            using VcpuHarness h = XsaveHost();
            Assert.Equal(ExitAction.Resume, Xsetbv(h, value));
            h.AssertNothingInjected();
            Assert.Equal(value, h.Vcpu.GuestXcr0);
            Assert.Equal(VcpuHarness.Entry + 3, h.Rip);
        }

        [Theory]
        [InlineData(0x0UL, 0UL)]                // x87 must stay on
        [InlineData(0x2UL, 0UL)]
        [InlineData(0x5UL, 0UL)]                // AVX needs SSE
        [InlineData(0x27UL, 0UL)]               // opmask: not offered to guests
        [InlineData(0xE7UL, 0UL)]               // AVX-512: not offered
        [InlineData(0x8UL | 0x7UL, 0UL)]        // bit 3 (MPX): not offered
        [InlineData(0x1_0000_0007UL, 0UL)]      // EDX bits: reserved
        [InlineData(0x7UL, 1UL)]                // XCR1 and up do not exist here
        [InlineData(0x7UL, 0xFFUL)]
        public void XsetbvRaisesGpForInvalidValues(ulong value, ulong xcr)
        {
            using VcpuHarness h = XsaveHost();
            h.Vcpu.GuestXcr0 = 3;
            Assert.Equal(ExitAction.Resume, Xsetbv(h, value, xcr));
            h.AssertInjected(ExceptionVectors.GeneralProtection, 0);
            Assert.Equal(3UL, h.Vcpu.GuestXcr0);
            Assert.Equal(VcpuHarness.Entry, h.Rip);
        }

        [Fact]
        public void TheUpperHalfOfRcxIsIgnored()
        {
            using VcpuHarness h = XsaveHost();
            Xsetbv(h, 3, 0xFFFFFFFF_00000000);
            h.AssertNothingInjected();
            Assert.Equal(3UL, h.Vcpu.GuestXcr0);
        }

        [Fact]
        public void AvxIsRefusedWhenTheCpuHasOnlyX87AndSse()
        {
            using VcpuHarness h = XsaveHost(leafDEax: 0x3);
            Xsetbv(h, 7);
            h.AssertInjected(ExceptionVectors.GeneralProtection, 0);
            Xsetbv(h, 3);
            Assert.Equal(3UL, h.Vcpu.GuestXcr0);
        }

        [Fact]
        public void WithoutXsaveEveryXsetbvFaults()
        {
            using VcpuHarness h = XsaveHost();
            h.Platform.SetCpuid(1, 0, 0, 0, 0);
            Xsetbv(h, 1);
            h.AssertInjected(ExceptionVectors.GeneralProtection, 0);
            Assert.Equal(1UL, h.Vcpu.GuestXcr0);
        }

        [Fact]
        public void HltWithInterruptsOffStopsTheGuest()
        {
            using VcpuHarness h = new VcpuHarness();
            Assert.Equal(ExitAction.StopGuest, h.Exit(ExitReason.Hlt, instructionLength: 1));
            Assert.Equal("halted with interrupts disabled", h.Vcpu.StopReason);
            Assert.Equal(VcpuHarness.Entry + 1, h.Rip);
        }

        [Fact]
        public void HltWithInterruptsOnStopsTheGuestBecauseNothingCanWakeIt()
        {
            using VcpuHarness h = new VcpuHarness();
            h.Set(VmcsFieldNatural.GuestRflags, 0x202);
            Assert.Equal(ExitAction.StopGuest, h.Exit(ExitReason.Hlt, instructionLength: 1));
            Assert.Equal("halted, and no device timer is armed to wake it", h.Vcpu.StopReason);
        }
    }
}
