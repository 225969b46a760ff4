// HLT: the vCPU waits for an interrupt. No virtual device in this build raises interrupts, so a
// halted vCPU could never wake: the guest is stopped with the reason instead of spinning the host.
namespace BareVisor.Core.Vmx.Exits
{
    public static class HltExit
    {
        private const ulong RflagsIf = 1UL << 9;

        public static ExitAction Handle<TVmcs, TPlatform>(ref Vcpu<TVmcs, TPlatform> vcpu)
            where TVmcs : struct, IVmcs
            where TPlatform : struct, IGuestPlatform
        {
            vcpu.SkipInstruction();
            if ((vcpu.Rflags & RflagsIf) == 0)
                return vcpu.Stop("halted with interrupts disabled");
            return vcpu.Stop("halted, and no virtual device can raise an interrupt to wake it");
        }
    }
}
