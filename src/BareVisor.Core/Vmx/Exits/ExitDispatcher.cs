// VM-exit dispatch: a dense table from basic exit reason (Intel SDM Vol. 3 Appendix C) to exit
// family, then the family's handler. Reasons without a family stop the guest with a report
// rather than guess. Runs in VMX root, interrupts off; no allocation on the dispatch path.
namespace BareVisor.Core.Vmx.Exits
{
    public static class ExitDispatcher
    {
        // Built on first use rather than by a static constructor, which would add a check to
        // every exit.
        private static ExitFamily[] s_families;

        public static ExitFamily FamilyOf(ushort reason)
        {
            ExitFamily[] families = s_families ??= BuildTable();
            return reason < families.Length ? families[reason] : ExitFamily.Unexpected;
        }

        public static ExitAction Dispatch<TVmcs, TPlatform>(ref Vcpu<TVmcs, TPlatform> vcpu, ushort reason)
            where TVmcs : struct, IVmcs
            where TPlatform : struct, IGuestPlatform
        {
            vcpu.Counters.Count(reason);
            switch (FamilyOf(reason))
            {
                case ExitFamily.Cpuid: return CpuidExit.Handle(ref vcpu);
                case ExitFamily.Io: return IoExit.Handle(ref vcpu);
                case ExitFamily.Vmcall: return VmcallExit.Handle(ref vcpu);
                case ExitFamily.Msr: return MsrExit.Handle(ref vcpu, reason == (ushort)ExitReason.Wrmsr);
                case ExitFamily.Hlt: return HltExit.Handle(ref vcpu);
                case ExitFamily.CrAccess: return CrAccessExit.Handle(ref vcpu);
                case ExitFamily.EptViolation: return EptExit.HandleViolation(ref vcpu);
                case ExitFamily.EptMisconfiguration: return EptExit.HandleMisconfiguration(ref vcpu);
                case ExitFamily.ApicAccess: return ApicAccessExit.Handle(ref vcpu);
                case ExitFamily.Exception: return EventExit.HandleException(ref vcpu);
                case ExitFamily.ExternalInterrupt: return EventExit.HandleExternalInterrupt(ref vcpu);
                case ExitFamily.InterruptWindow: return EventExit.HandleInterruptWindow(ref vcpu);
                case ExitFamily.TripleFault: return vcpu.Stop("triple fault");
                case ExitFamily.InitOrSipi: return vcpu.Stop("INIT or SIPI received; secondary vCPUs are not supported");
                case ExitFamily.VmxInstruction: return vcpu.InjectException(ExceptionVectors.InvalidOpcode);
                case ExitFamily.UndefinedInstruction: return vcpu.InjectException(ExceptionVectors.InvalidOpcode);
                case ExitFamily.Cache: return InstructionExit.HandleCache(ref vcpu);
                case ExitFamily.Rdtsc: return InstructionExit.HandleRdtsc(ref vcpu, reason == (ushort)ExitReason.Rdtscp);
                case ExitFamily.Xsetbv: return InstructionExit.HandleXsetbv(ref vcpu);
                case ExitFamily.PreemptionTimer: return TimerExit.Handle(ref vcpu);
                case ExitFamily.EntryFailure: return vcpu.Stop("VM entry failed: " + ReasonName(reason));
                default: return vcpu.Stop("unexpected VM exit: " + ReasonName(reason));
            }
        }

        // The SDM's name, or the number for a reason the table does not define (35, 38, 42, 71, 80+).
        private static string ReasonName(ushort reason) =>
            ExitReasonNames.Name((ExitReason)reason) ?? Text.Messages.WithDecimal("reason ", reason, "");

        private static ExitFamily[] BuildTable()
        {
            ExitFamily[] table = new ExitFamily[ExitCounters.MaxReasons];
            Set(table, ExitReason.ExceptionOrNmi, ExitFamily.Exception);
            Set(table, ExitReason.ExternalInterrupt, ExitFamily.ExternalInterrupt);
            Set(table, ExitReason.TripleFault, ExitFamily.TripleFault);
            Set(table, ExitReason.InitSignal, ExitFamily.InitOrSipi);
            Set(table, ExitReason.StartupIpi, ExitFamily.InitOrSipi);
            Set(table, ExitReason.InterruptWindow, ExitFamily.InterruptWindow);
            Set(table, ExitReason.Cpuid, ExitFamily.Cpuid);
            Set(table, ExitReason.Getsec, ExitFamily.UndefinedInstruction);
            Set(table, ExitReason.Hlt, ExitFamily.Hlt);
            Set(table, ExitReason.Invd, ExitFamily.Cache);
            Set(table, ExitReason.WbinvdOrWbnoinvd, ExitFamily.Cache);
            Set(table, ExitReason.Rdtsc, ExitFamily.Rdtsc);
            Set(table, ExitReason.Rdtscp, ExitFamily.Rdtsc);
            Set(table, ExitReason.Rsm, ExitFamily.UndefinedInstruction);
            Set(table, ExitReason.Vmcall, ExitFamily.Vmcall);
            Set(table, ExitReason.Vmclear, ExitFamily.VmxInstruction);
            Set(table, ExitReason.Vmlaunch, ExitFamily.VmxInstruction);
            Set(table, ExitReason.Vmptrld, ExitFamily.VmxInstruction);
            Set(table, ExitReason.Vmptrst, ExitFamily.VmxInstruction);
            Set(table, ExitReason.Vmread, ExitFamily.VmxInstruction);
            Set(table, ExitReason.Vmresume, ExitFamily.VmxInstruction);
            Set(table, ExitReason.Vmwrite, ExitFamily.VmxInstruction);
            Set(table, ExitReason.Vmxoff, ExitFamily.VmxInstruction);
            Set(table, ExitReason.Vmxon, ExitFamily.VmxInstruction);
            Set(table, ExitReason.Invept, ExitFamily.VmxInstruction);
            Set(table, ExitReason.Invvpid, ExitFamily.VmxInstruction);
            Set(table, ExitReason.Vmfunc, ExitFamily.VmxInstruction);
            Set(table, ExitReason.ControlRegisterAccesses, ExitFamily.CrAccess);
            Set(table, ExitReason.IoInstruction, ExitFamily.Io);
            Set(table, ExitReason.Rdmsr, ExitFamily.Msr);
            Set(table, ExitReason.Wrmsr, ExitFamily.Msr);
            Set(table, ExitReason.VmEntryFailureInvalidGuestState, ExitFamily.EntryFailure);
            Set(table, ExitReason.VmEntryFailureMsrLoading, ExitFamily.EntryFailure);
            Set(table, ExitReason.VmEntryFailureMachineCheckEvent, ExitFamily.EntryFailure);
            Set(table, ExitReason.EptViolation, ExitFamily.EptViolation);
            Set(table, ExitReason.EptMisconfiguration, ExitFamily.EptMisconfiguration);
            Set(table, ExitReason.ApicAccess, ExitFamily.ApicAccess);
            Set(table, ExitReason.VmxPreemptionTimerExpired, ExitFamily.PreemptionTimer);
            Set(table, ExitReason.Xsetbv, ExitFamily.Xsetbv);
            return table;
        }

        private static void Set(ExitFamily[] table, ExitReason reason, ExitFamily family) => table[(int)reason] = family;
    }
}
