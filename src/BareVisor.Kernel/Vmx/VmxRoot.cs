// Entering VMX root operation on this CPU: CR0/CR4 set to the fixed bits the capability MSRs
// demand (CR4.VMXE among them), a VMXON region with the VMCS revision identifier, VMXON.
// Runs once at boot, interrupts off. IA32_FEATURE_CONTROL was already enabled and locked by
// VirtualizationProbe.
using BareVisor.Core.Cpu;
using BareVisor.Core.Memory;
using BareVisor.Core.Text;
using BareVisor.Kernel.Arch;
using BareVisor.Kernel.Memory;

namespace BareVisor.Kernel.Vmx
{
    internal static unsafe class VmxRoot
    {
        private const ulong Cr4Vmxe = 1UL << 13;

        private const ulong Cr4Osxsave = 1UL << 18;

        internal static VirtualizationReport Capabilities;

        private static ulong s_loadedXcr0 = 1;
        private static bool s_osxsave;


        internal static bool TryEnter(VirtualizationReport report, out string error)
        {
            Capabilities = report;
            Native.WriteCr0((Native.ReadCr0() | report.Cr0Fixed0) & report.Cr0Fixed1);
            ulong cr4 = Native.ReadCr4() | Cr4Vmxe | report.Cr4Fixed0 | (HasXsave() ? Cr4Osxsave : 0);
            Native.WriteCr4(cr4 & report.Cr4Fixed1);
            s_osxsave = (Native.ReadCr4() & Cr4Osxsave) != 0;
            HostPhysical region = AllocateVmxRegion(report.VmcsRevision);
            int status = Native.VmxOn(region.Value);
            error = status == 0 ? null : Messages.WithDecimal("VMXON failed with status ", (ulong)status,
                status == 1 ? " (VMfailInvalid: bad VMXON region or CR0/CR4 fixed bits)" : " (VMfailValid)");
            return status == 0;
        }

        // Guests choose their XCR0 with XSETBV (checked by InstructionExit); the CPU holds one
        // XCR0, so it is switched before entry. BareVisor's own code uses only SSE.
        internal static void LoadGuestXcr0(ulong xcr0)
        {
            if (xcr0 == s_loadedXcr0 || !s_osxsave)
                return;
            Native.WriteXcr(0, xcr0);
            s_loadedXcr0 = xcr0;
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
            HostPhysical page = PhysicalMemory.Allocator.AllocatePage();
            new System.Span<byte>((void*)page.Value, 4096).Clear();
            *(uint*)page.Value = revision;
            return page;
        }
    }
}
