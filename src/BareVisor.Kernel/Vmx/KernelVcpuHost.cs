// Core's IVcpuHost on this CPU: the VM entry through boot/vmx.asm (VMLAUNCH/VMRESUME and the exit
// stub), XSETBV for the guest's XCR0, the Bochs benchmark mark, the failed-entry report with the
// VMCS dump, and COM1 input. A struct without state, so VcpuLoop's calls through it compile to
// direct calls. VMX root, interrupts off.
using BareVisor.Core.Vmx;
using BareVisor.Core.Vmx.Exits;
using BareVisor.Kernel.Arch;
using BareVisor.Kernel.Console;

namespace BareVisor.Kernel.Vmx
{
    internal unsafe struct KernelVcpuHost : IVcpuHost
    {
        public int Enter(GuestRegisters* registers, bool launched) => Native.VmRun(registers, launched ? 1 : 0);

        public void LoadGuestXcr0(ulong xcr0) => VmxRoot.LoadGuestXcr0(xcr0);

        public void MarkFirstEntry() => Native.BochsMark();

        public void ReportEntryFailure(string reason) => EntryFailure.Report(reason);

        public bool TryReadConsoleInput(out byte value) => SerialPort.TryRead(out value);
    }
}
