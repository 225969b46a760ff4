// What only the kernel can do for VcpuLoop, on the physical CPU that runs the vCPU: the VM entry
// itself (VMLAUNCH/VMRESUME through boot/vmx.asm), loading the guest's XCR0, the Bochs benchmark's
// first-entry mark, reporting a failed entry with a dump of the current VMCS, and reading what is
// typed on BareVisor's console. The kernel implements it over its privileged instructions; tests
// fake it with a scripted exit sequence. VMX root, interrupts off; must not allocate except in
// ReportEntryFailure.
using BareVisor.Core.Vmx;

namespace BareVisor.Core.Vmx.Exits
{
    public unsafe interface IVcpuHost
    {
        // Enters the guest with `registers` (VMLAUNCH when not yet launched, else VMRESUME) and
        // returns at its next VM exit with the exit information stored in `registers`: 0, or the
        // VMX status of an entry that failed outright (1 VMfailInvalid, 2 VMfailValid).
        int Enter(GuestRegisters* registers, bool launched);

        // Makes `xcr0` the CPU's XCR0 for the guest (XSETBV when it differs from the loaded one).
        void LoadGuestXcr0(ulong xcr0);

        // Just before the first entry: where the guest's first instruction is, for the Bochs boot
        // benchmark (a no-op elsewhere).
        void MarkFirstEntry();

        // The entry failed (`reason` says how): log it with a dump of the current VMCS.
        void ReportEntryFailure(string reason);

        // One byte typed on BareVisor's console, if one is waiting.
        bool TryReadConsoleInput(out byte value);
    }
}
