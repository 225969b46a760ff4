// Host test code. The controls BareVisor runs guests with, fitted to capability MSRs (SDM Vol. 3D
// A.3-A.5): Bochs corei7_skylake_x's values, and CPUs that lack what BareVisor needs.
using BareVisor.Core.Cpu;
using BareVisor.Core.Vmx;

namespace BareVisor.Core.Tests.Vmx.Exits
{
    public class ControlPlanTests
    {
        private const ulong BochsBasic = 0x00d810000000002b;
        private const ulong BochsTruePinbased = 0x0000007f00000016;
        private const ulong BochsTrueProcbased = 0xfff9fffe04006172;
        private const ulong BochsProcbased2 = 0x02177fff00000000;
        private const ulong BochsTrueExit = 0x007fffff00036dfb;
        private const ulong BochsTrueEntry = 0x0000ffff000011fb;

        private static VirtualizationReport Bochs() => new VirtualizationReport
        {
            VmxUsable = true,
            VmxBasic = BochsBasic,
            TrueControls = true,
            PinBased = BochsTruePinbased,
            ProcBased = BochsTrueProcbased,
            ProcBased2 = BochsProcbased2,
            Exit = BochsTrueExit,
            Entry = BochsTrueEntry,
        };

        [Fact]
        public void BochsSkylakeGivesEveryRequiredControl()
        {
            ControlPlan plan = ControlPlan.For(Bochs());
            Assert.Null(plan.Error);
            // Pin: default-1 bits 1, 2, 4 plus external-interrupt (0) and NMI (3) exiting and the
            // VMX-preemption timer (6).
            Assert.Equal(0x5Fu, plan.PinBased);
            // Primary: default-1 bits (0x04006172) plus HLT (7), CR8 load/store (19, 20), I/O bitmaps (25),
            // MSR bitmaps (28), secondary controls (31).
            Assert.Equal(0x961861F2u, plan.Primary);
            // Secondary: virtualize APIC accesses (0), EPT (1), RDTSCP (3), VPID (5), unrestricted guest (7), INVPCID (12), XSAVES (20).
            Assert.Equal(0x001010ABu, plan.Secondary);
            Assert.True(plan.HasApicAccessPage);
            // Exit: default-1 bits (0x36DFB) plus host address-space size (9), acknowledge interrupt (15),
            // save/load PAT (18, 19), save/load EFER (20, 21).
            Assert.Equal(0x003FEFFBu, plan.Exit);
            // Entry: default-1 bits (0x11FB) plus load PAT (14) and load EFER (15); IA-32e mode is per guest.
            Assert.Equal(0x0000D1FBu, plan.Entry);
            Assert.True(plan.HasVpid);
        }

        [Fact]
        public void EveryPlannedControlFieldIsOneTheCpuAccepts()
        {
            VirtualizationReport caps = Bochs();
            ControlPlan plan = ControlPlan.For(caps);
            AssertAllowed(caps.PinBased, plan.PinBased);
            AssertAllowed(caps.ProcBased, plan.Primary);
            AssertAllowed(caps.ProcBased2, plan.Secondary);
            AssertAllowed(caps.Exit, plan.Exit);
            AssertAllowed(caps.Entry, plan.Entry);
        }

        [Fact]
        public void EptUnrestrictedGuestAndVpidAreOn()
        {
            ControlPlan plan = ControlPlan.For(Bochs());
            uint on = (uint)(SecondaryProcessorBasedControls.EnableEpt | SecondaryProcessorBasedControls.UnrestrictedGuest | SecondaryProcessorBasedControls.EnableVpid);
            Assert.Equal(on, plan.Secondary & on);
            Assert.NotEqual(0u, plan.Primary & (uint)PrimaryProcessorBasedControls.ActivateSecondaryControls);
        }

        [Fact]
        public void ACpuWithoutEptIsToldWhatItLacks()
        {
            VirtualizationReport caps = Bochs();
            caps.ProcBased2 = BochsProcbased2 & ~((ulong)(SecondaryProcessorBasedControls.EnableEpt | SecondaryProcessorBasedControls.UnrestrictedGuest) << 32);
            ControlPlan plan = ControlPlan.For(caps);
            Assert.Equal("this CPU's VT-x lacks required controls: EnableEpt, UnrestrictedGuest", plan.Error);
            Assert.True(plan.HasVpid);
        }

        [Fact]
        public void ACpuWithoutSecondaryControlsLacksThemAndEverythingBehindThem()
        {
            VirtualizationReport caps = Bochs();
            caps.ProcBased = BochsTrueProcbased & ~((ulong)PrimaryProcessorBasedControls.ActivateSecondaryControls << 32);
            caps.ProcBased2 = 0;
            ControlPlan plan = ControlPlan.For(caps);
            Assert.Equal("this CPU's VT-x lacks required controls: ActivateSecondaryControls, EnableEpt, UnrestrictedGuest", plan.Error);
            Assert.False(plan.HasVpid);
        }

        [Fact]
        public void VpidIsOptional()
        {
            VirtualizationReport caps = Bochs();
            caps.ProcBased2 = BochsProcbased2 & ~((ulong)SecondaryProcessorBasedControls.EnableVpid << 32);
            ControlPlan plan = ControlPlan.For(caps);
            Assert.Null(plan.Error);
            Assert.False(plan.HasVpid);
        }

        [Fact]
        public void ThePreemptionTimerIsOnWhenTheCpuHasIt()
        {
            ControlPlan plan = ControlPlan.For(Bochs());
            Assert.True(plan.HasPreemptionTimer);
            Assert.NotEqual(0u, plan.PinBased & (uint)PinBasedControls.ActivateVmxPreemptionTimer);
        }

        [Fact]
        public void ThePreemptionTimerIsOptional()
        {
            VirtualizationReport caps = Bochs();
            caps.PinBased = BochsTruePinbased & ~((ulong)PinBasedControls.ActivateVmxPreemptionTimer << 32);
            ControlPlan plan = ControlPlan.For(caps);
            Assert.Null(plan.Error);
            Assert.False(plan.HasPreemptionTimer);
            Assert.Equal(0u, plan.PinBased & (uint)PinBasedControls.ActivateVmxPreemptionTimer);
        }

        [Fact]
        public void MissingExitAndEntryControlsAreNamedInFieldOrder()
        {
            VirtualizationReport caps = Bochs();
            caps.Exit = BochsTrueExit & ~((ulong)ExitControls.LoadIa32Efer << 32);
            caps.Entry = BochsTrueEntry & ~((ulong)EntryControls.LoadIa32Pat << 32);
            ControlPlan plan = ControlPlan.For(caps);
            Assert.Equal("this CPU's VT-x lacks required controls: LoadIa32Efer, LoadIa32Pat", plan.Error);
        }

        // SDM A.3.1: a bit set in allowed-0 (bits 31:0) must be 1; a bit clear in allowed-1 (63:32) must be 0.
        private static void AssertAllowed(ulong capability, uint value)
        {
            uint allowed0 = (uint)capability, allowed1 = (uint)(capability >> 32);
            Assert.Equal(allowed0, value & allowed0);
            Assert.Equal(0u, value & ~allowed1);
        }
    }
}
