// Pure data. How far a CPU got on its way into VMX root: written by the CPU itself (PerCpu.State),
// read by the BSP, which reports it. NotStarted and NoAnswer are written by the BSP only.
namespace BareVisor.Kernel.Arch
{
    internal enum CpuState
    {
        NotStarted = 0,
        NoAnswer,               // no word from the AP within the start-up timeout
        LongMode,               // in C# on its own stack, GDT/TSS and IDT loaded, GS base set
        VmxDisabled,            // IA32_FEATURE_CONTROL locked with VMX-outside-SMX off
        VmxOnFailInvalid,       // VMXON: VMfailInvalid (bad region or CR0/CR4 fixed bits)
        VmxOnFailValid,         // VMXON: VMfailValid
        InVmxRoot,
    }
}
