// Exit families: each has one handler file. Pure data.
namespace BareVisor.Core.Vmx.Exits
{
    public enum ExitFamily : byte
    {
        Unexpected,
        Exception,
        ExternalInterrupt,
        InterruptWindow,
        TripleFault,
        InitOrSipi,
        Cpuid,
        Hlt,
        Cache,
        Rdtsc,
        Vmcall,
        VmxInstruction,
        CrAccess,
        Io,
        Msr,
        EptViolation,
        EptMisconfiguration,
        ApicAccess,
        Xsetbv,
        PreemptionTimer,
        UndefinedInstruction,
        EntryFailure,
    }
}
