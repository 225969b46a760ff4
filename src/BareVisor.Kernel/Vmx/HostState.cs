// The host-state area of a VMCS: where a VM exit returns to. BareVisor's own CR0/CR3/CR4, flat
// kernel segments, this CPU's TSS and GDT and GS base (its PerCpu block), the shared IDT, PAT and
// EFER as they are now; RSP and RIP are written by vmx_run (boot/vmx.asm) on every entry. VMX
// root on the CPU that will run the VMCS, interrupts off.
using BareVisor.Core.Vmx;
using BareVisor.Kernel.Arch;

namespace BareVisor.Kernel.Vmx
{
    internal static class HostState
    {
        private const uint Ia32Pat = 0x277, Ia32Efer = 0xC0000080;

        internal static unsafe void Write(ref HardwareVmcs vmcs)
        {
            PerCpu* cpu = PerCpu.Current;
            vmcs.Write(VmcsFieldNatural.HostCr0, Native.ReadCr0());
            vmcs.Write(VmcsFieldNatural.HostCr3, Native.ReadCr3());
            vmcs.Write(VmcsFieldNatural.HostCr4, Native.ReadCr4());
            vmcs.Write(VmcsField16.HostCsSelector, Gdt.KernelCode);
            vmcs.Write(VmcsField16.HostSsSelector, Gdt.KernelData);
            vmcs.Write(VmcsField16.HostDsSelector, Gdt.KernelData);
            vmcs.Write(VmcsField16.HostEsSelector, Gdt.KernelData);
            vmcs.Write(VmcsField16.HostFsSelector, 0);
            vmcs.Write(VmcsField16.HostGsSelector, 0);
            vmcs.Write(VmcsField16.HostTrSelector, Gdt.TaskState);
            vmcs.Write(VmcsFieldNatural.HostFsBase, 0);
            vmcs.Write(VmcsFieldNatural.HostGsBase, (ulong)cpu);
            vmcs.Write(VmcsFieldNatural.HostTrBase, cpu->Gdt.TssBase);
            vmcs.Write(VmcsFieldNatural.HostGdtrBase, cpu->Gdt.Base);
            vmcs.Write(VmcsFieldNatural.HostIdtrBase, Idt.Base);
            vmcs.Write(VmcsField32.HostIa32SysenterCs, 0);
            vmcs.Write(VmcsFieldNatural.HostIa32SysenterEsp, 0);
            vmcs.Write(VmcsFieldNatural.HostIa32SysenterEip, 0);
            vmcs.Write(VmcsField64.HostIa32Pat, Native.ReadMsr(Ia32Pat));
            vmcs.Write(VmcsField64.HostIa32Efer, Native.ReadMsr(Ia32Efer));
        }
    }
}
