// Entering VMX root operation, on every CPU: IA32_FEATURE_CONTROL checked (and locked with VMX on
// when the firmware left it open), CR0/CR4 set to the fixed bits the capability MSRs demand
// (CR4.VMXE among them), VMXON on the CPU's own VMXON region. Prepare runs on the BSP at boot and
// allocates; EnterOnThisCpu runs on the CPU itself, interrupts off, and neither allocates nor
// prints, since APs run it while the heap and console are the BSP's alone.
using BareVisor.Core.Cpu;
using BareVisor.Core.Memory;
using BareVisor.Kernel.Arch;
using BareVisor.Kernel.Memory;

namespace BareVisor.Kernel.Vmx
{
    internal static unsafe class VmxRoot
    {
        private const ulong Cr4Vmxe = 1UL << 13;

        private const ulong Cr4Osxsave = 1UL << 18;

        internal static VirtualizationReport Capabilities;

        // The BSP, before the CPU enters: its VMXON region, with the VMCS revision identifier.
        internal static void Prepare(PerCpu* cpu, VirtualizationReport report)
        {
            Capabilities = report;
            cpu->VmxonRegion = AllocateVmxRegion(report.VmcsRevision).Value;
        }

        internal static CpuState EnterOnThisCpu(PerCpu* cpu)
        {
            VirtualizationReport report = Capabilities;
            if (!FeatureControlAllowsVmxOn())
                return CpuState.VmxDisabled;
            Native.WriteCr0((Native.ReadCr0() | report.Cr0Fixed0) & report.Cr0Fixed1);
            ulong cr4 = Native.ReadCr4() | Cr4Vmxe | report.Cr4Fixed0 | (HasXsave() ? Cr4Osxsave : 0);
            Native.WriteCr4(cr4 & report.Cr4Fixed1);
            cpu->Osxsave = (Native.ReadCr4() & Cr4Osxsave) != 0;
            cpu->LoadedXcr0 = 1;
            return Native.VmxOn(cpu->VmxonRegion) switch
            {
                0 => CpuState.InVmxRoot,
                1 => CpuState.VmxOnFailInvalid,
                _ => CpuState.VmxOnFailValid,
            };
        }

        internal static string Describe(CpuState state) => state switch
        {
            CpuState.InVmxRoot => "in VMX root",
            CpuState.VmxDisabled => "IA32_FEATURE_CONTROL is locked with VMX disabled",
            CpuState.VmxOnFailInvalid => "VMXON failed with status 1 (VMfailInvalid: bad VMXON region or CR0/CR4 fixed bits)",
            CpuState.VmxOnFailValid => "VMXON failed with status 2 (VMfailValid)",
            CpuState.LongMode => "reached long mode but did not finish VMXON",
            CpuState.NoAnswer => "did not answer INIT-SIPI-SIPI",
            _ => "not started",
        };

        // IA32_FEATURE_CONTROL is per CPU. VirtualizationProbe checked the BSP's; firmware normally
        // locks every CPU's the same way, but one it left open is locked here with VMX-outside-SMX
        // on, as VMXON requires (SDM Vol. 3C 24.7).
        private static bool FeatureControlAllowsVmxOn()
        {
            ulong value;
            if (!Native.TryReadMsr(Ia32FeatureControl.Index, &value))
                return false;
            if ((value & Ia32FeatureControl.LockBit) == 0)
            {
                Native.TryWriteMsr(Ia32FeatureControl.Index, value | Ia32FeatureControl.LockBit | Ia32FeatureControl.VmxOutsideSmxBit);
                if (!Native.TryReadMsr(Ia32FeatureControl.Index, &value))
                    return false;
            }
            Ia32FeatureControl control = new Ia32FeatureControl(value);
            return control.Locked && control.VmxOutsideSmx;
        }

        // Guests choose their XCR0 with XSETBV (checked by InstructionExit); the CPU holds one
        // XCR0, so it is switched before entry. BareVisor's own code uses only SSE.
        internal static void LoadGuestXcr0(ulong xcr0)
        {
            PerCpu* cpu = PerCpu.Current;
            if (xcr0 == cpu->LoadedXcr0 || !cpu->Osxsave)
                return;
            Native.WriteXcr(0, xcr0);
            cpu->LoadedXcr0 = xcr0;
        }

        private static bool HasXsave()
        {
            X86Cpu cpu = default;
            return (cpu.Cpuid(1, 0).Ecx & (1u << 26)) != 0;
        }

        // The page every guest's xAPIC page is EPT-mapped to under "virtualize APIC accesses". The
        // CPU never reads or writes it (every access exits), so all guests share one zeroed page.
        private static HostPhysical s_apicAccessPage;

        internal static HostPhysical ApicAccessPage
        {
            get
            {
                if (s_apicAccessPage.Value == 0)
                    s_apicAccessPage = AllocateVmxRegion(0);
                return s_apicAccessPage;
            }
        }

        // A zeroed 4 KiB region (VMXON region or VMCS) starting with the revision identifier.
        internal static HostPhysical AllocateVmxRegion(uint revision)
        {
            HostPhysical page = PhysicalMemory.AllocatePage();
            new System.Span<byte>((void*)page.Value, 4096).Clear();
            *(uint*)page.Value = revision;
            return page;
        }
    }
}
