// Host test code. The reason -> family table (SDM Vol. 3D Appendix C), dispatch of the families
// that need no handler file of their own, counting, and the reports for reasons BareVisor does
// not handle.
using System.Collections.Generic;
using BareVisor.Core.Vmx;
using BareVisor.Core.Vmx.Exits;

namespace BareVisor.Core.Tests.Vmx.Exits
{
    public class ExitDispatcherTests
    {
        // Every reason BareVisor handles, with the family the SDM's meaning calls for.
        private static readonly Dictionary<ExitReason, ExitFamily> s_expected = new Dictionary<ExitReason, ExitFamily>
        {
            [ExitReason.ExceptionOrNmi] = ExitFamily.Exception,
            [ExitReason.ExternalInterrupt] = ExitFamily.ExternalInterrupt,
            [ExitReason.TripleFault] = ExitFamily.TripleFault,
            [ExitReason.InitSignal] = ExitFamily.InitOrSipi,
            [ExitReason.StartupIpi] = ExitFamily.InitOrSipi,
            [ExitReason.InterruptWindow] = ExitFamily.InterruptWindow,
            [ExitReason.Cpuid] = ExitFamily.Cpuid,
            [ExitReason.Getsec] = ExitFamily.UndefinedInstruction,
            [ExitReason.Hlt] = ExitFamily.Hlt,
            [ExitReason.Invd] = ExitFamily.Cache,
            [ExitReason.WbinvdOrWbnoinvd] = ExitFamily.Cache,
            [ExitReason.Rdtsc] = ExitFamily.Rdtsc,
            [ExitReason.Rdtscp] = ExitFamily.Rdtsc,
            [ExitReason.Rsm] = ExitFamily.UndefinedInstruction,
            [ExitReason.Vmcall] = ExitFamily.Vmcall,
            [ExitReason.Vmclear] = ExitFamily.VmxInstruction,
            [ExitReason.Vmlaunch] = ExitFamily.VmxInstruction,
            [ExitReason.Vmptrld] = ExitFamily.VmxInstruction,
            [ExitReason.Vmptrst] = ExitFamily.VmxInstruction,
            [ExitReason.Vmread] = ExitFamily.VmxInstruction,
            [ExitReason.Vmresume] = ExitFamily.VmxInstruction,
            [ExitReason.Vmwrite] = ExitFamily.VmxInstruction,
            [ExitReason.Vmxoff] = ExitFamily.VmxInstruction,
            [ExitReason.Vmxon] = ExitFamily.VmxInstruction,
            [ExitReason.Invept] = ExitFamily.VmxInstruction,
            [ExitReason.Invvpid] = ExitFamily.VmxInstruction,
            [ExitReason.Vmfunc] = ExitFamily.VmxInstruction,
            [ExitReason.ControlRegisterAccesses] = ExitFamily.CrAccess,
            [ExitReason.IoInstruction] = ExitFamily.Io,
            [ExitReason.Rdmsr] = ExitFamily.Msr,
            [ExitReason.Wrmsr] = ExitFamily.Msr,
            [ExitReason.VmEntryFailureInvalidGuestState] = ExitFamily.EntryFailure,
            [ExitReason.VmEntryFailureMsrLoading] = ExitFamily.EntryFailure,
            [ExitReason.VmEntryFailureMachineCheckEvent] = ExitFamily.EntryFailure,
            [ExitReason.EptViolation] = ExitFamily.EptViolation,
            [ExitReason.EptMisconfiguration] = ExitFamily.EptMisconfiguration,
            [ExitReason.ApicAccess] = ExitFamily.ApicAccess,
            [ExitReason.VmxPreemptionTimerExpired] = ExitFamily.PreemptionTimer,
            [ExitReason.Xsetbv] = ExitFamily.Xsetbv,
        };

        [Fact]
        public void EveryReasonMapsToItsFamilyAndTheRestAreUnexpected()
        {
            for (ushort reason = 0; reason < ExitReasonNames.Limit; reason++)
            {
                ExitFamily expected = s_expected.TryGetValue((ExitReason)reason, out ExitFamily f) ? f : ExitFamily.Unexpected;
                Assert.True(expected == ExitDispatcher.FamilyOf(reason), "reason " + reason + ": expected " + expected + ", got " + ExitDispatcher.FamilyOf(reason));
            }
        }

        [Theory]
        [InlineData((ushort)80)]
        [InlineData((ushort)0x7FFF)]
        [InlineData(ushort.MaxValue)]
        public void ReasonsBeyondTheTableAreUnexpected(ushort reason) => Assert.Equal(ExitFamily.Unexpected, ExitDispatcher.FamilyOf(reason));

        [Fact]
        public void TheTableCoversEveryReasonTheSdmDefines() =>
            Assert.True(ExitCounters.MaxReasons >= ExitReasonNames.Limit);

        [Theory]
        [InlineData(ExitReason.Invlpg, "unexpected VM exit: Invlpg")]
        [InlineData(ExitReason.MovDr, "unexpected VM exit: MovDr")]
        [InlineData(ExitReason.TaskSwitch, "unexpected VM exit: TaskSwitch")]
        [InlineData(ExitReason.Pause, "unexpected VM exit: Pause")]
        [InlineData(ExitReason.VmEntryFailureInvalidGuestState, "VM entry failed: VmEntryFailureInvalidGuestState")]
        [InlineData(ExitReason.VmEntryFailureMsrLoading, "VM entry failed: VmEntryFailureMsrLoading")]
        [InlineData(ExitReason.TripleFault, "triple fault")]
        [InlineData(ExitReason.InitSignal, "INIT or SIPI received; secondary vCPUs are not supported")]
        [InlineData(ExitReason.StartupIpi, "INIT or SIPI received; secondary vCPUs are not supported")]
        public void StoppingReasonsSayWhy(ExitReason reason, string stopReason)
        {
            using VcpuHarness h = new VcpuHarness();
            Assert.Equal(ExitAction.StopGuest, h.Exit(reason));
            Assert.Equal(stopReason, h.Vcpu.StopReason);
            Assert.Equal(VcpuHarness.Entry, h.Rip);
            h.AssertNothingInjected();
        }

        [Theory]
        [InlineData((ushort)35, "unexpected VM exit: reason 35")]
        [InlineData((ushort)71, "unexpected VM exit: reason 71")]
        [InlineData((ushort)200, "unexpected VM exit: reason 200")]
        public void AReasonWithoutANameIsReportedByNumber(ushort reason, string stopReason)
        {
            using VcpuHarness h = new VcpuHarness();
            Assert.Equal(ExitAction.StopGuest, h.Exit((ExitReason)reason));
            Assert.Equal(stopReason, h.Vcpu.StopReason);
        }

        [Theory]
        [InlineData(ExitReason.Vmxon)]
        [InlineData(ExitReason.Vmlaunch)]
        [InlineData(ExitReason.Vmread)]
        [InlineData(ExitReason.Invept)]
        [InlineData(ExitReason.Vmfunc)]
        [InlineData(ExitReason.Getsec)]
        [InlineData(ExitReason.Rsm)]
        public void InstructionsTheGuestDoesNotHaveRaiseUndefinedOpcode(ExitReason reason)
        {
            using VcpuHarness h = new VcpuHarness();
            Assert.Equal(ExitAction.Resume, h.Exit(reason, instructionLength: 3));
            h.AssertInjected(ExceptionVectors.InvalidOpcode, null);
            Assert.Equal(VcpuHarness.Entry, h.Rip);   // a fault: the guest's handler sees the instruction's own address
            Assert.Null(h.Vcpu.StopReason);
        }

        [Fact]
        public void AnExternalInterruptIsBareVisorsOwnAndTheGuestJustResumes()
        {
            using VcpuHarness h = new VcpuHarness();
            Assert.Equal(ExitAction.Resume, h.Exit(ExitReason.ExternalInterrupt));
            h.AssertNothingInjected();
            Assert.Equal(VcpuHarness.Entry, h.Rip);
        }

        [Fact]
        public void ThePreemptionTimerWithoutATimeLimitResumes()
        {
            using VcpuHarness h = new VcpuHarness();
            Assert.Equal(ExitAction.Resume, h.Exit(ExitReason.VmxPreemptionTimerExpired));
            Assert.Null(h.Vcpu.StopReason);
            Assert.Equal(VcpuHarness.Entry, h.Rip);
        }

        [Fact]
        public void EveryExitIsCountedByReason()
        {
            using VcpuHarness h = new VcpuHarness();
            h.Regs.Rax = 0;
            h.Exit(ExitReason.Cpuid);
            h.Exit(ExitReason.Cpuid);
            h.Exit(ExitReason.Invd);
            h.Exit(ExitReason.Invlpg);
            Assert.Equal(2UL, h.Vcpu.Counters[ExitReason.Cpuid]);
            Assert.Equal(1UL, h.Vcpu.Counters[ExitReason.Invd]);
            Assert.Equal(1UL, h.Vcpu.Counters[ExitReason.Invlpg]);
            Assert.Equal(0UL, h.Vcpu.Counters[ExitReason.Hlt]);
            Assert.Equal(4UL, h.Vcpu.Counters.Total());
        }

        [Fact]
        public void AReasonBeyondTheCountersIsNotCountedAndDoesNotCrash()
        {
            using VcpuHarness h = new VcpuHarness();
            h.Exit((ExitReason)500);
            Assert.Equal(0UL, h.Vcpu.Counters.Total());
            Assert.Equal(0UL, h.Vcpu.Counters[(ExitReason)500]);
        }
    }
}
