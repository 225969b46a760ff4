// Runs at boot on each CPU, interrupts off; may allocate the report. Decides whether VMXON can work (Intel SDM Vol. 3C, 24.6-24.7).
namespace BareVisor.Core.Cpu
{
    /// <summary>
    /// Checks CPUID and IA32_FEATURE_CONTROL, locks VMX on when firmware left the MSR unlocked, and
    /// reads the VMX capability MSRs. Never touches an MSR the CPU may not implement (that would #GP).
    /// </summary>
    public static class VirtualizationProbe
    {
        private const uint VmxBit = 1u << 5;          // CPUID.1:ECX
        private const uint HypervisorBit = 1u << 31;  // CPUID.1:ECX
        private const uint SvmBit = 1u << 2;          // CPUID.80000001H:ECX
        private const ulong SecondaryControls = 1UL << 63;                    // allowed-1 of primary proc-based bit 31
        private const ulong EptOrVpid = (1UL << (32 + 1)) | (1UL << (32 + 5)); // allowed-1 of secondary bits 1, 5

        public static VirtualizationReport Probe<TCpu>(ref TCpu cpu) where TCpu : struct, ICpu
        {
            VirtualizationReport report = new VirtualizationReport();
            Identify(ref cpu, report);
            if (!report.HasVmx)
            {
                report.Reason = NoVmxReason(report);
                return report;
            }
            if (!EnableInFeatureControl(ref cpu, report))
                return report;
            report.VmxUsable = true;
            ReadCapabilities(ref cpu, report);
            return report;
        }

        private static void Identify<TCpu>(ref TCpu cpu, VirtualizationReport report) where TCpu : struct, ICpu
        {
            CpuidResult leaf0 = cpu.Cpuid(0, 0);
            report.Vendor = CpuIdentification.Vendor(leaf0);
            if (leaf0.Eax >= 1)
            {
                CpuidResult leaf1 = cpu.Cpuid(1, 0);
                report.Family = CpuIdentification.DisplayFamily(leaf1.Eax);
                report.Model = CpuIdentification.DisplayModel(leaf1.Eax);
                report.Stepping = CpuIdentification.Stepping(leaf1.Eax);
                report.HasVmx = (leaf1.Ecx & VmxBit) != 0;
                report.Hypervisor = (leaf1.Ecx & HypervisorBit) != 0;
            }
            uint maxExtended = cpu.Cpuid(CpuIdentification.ExtendedLeafBase, 0).Eax;
            if (maxExtended >= CpuIdentification.ExtendedLeafBase + 1 && maxExtended < CpuIdentification.ExtendedLeafBase + 0x100)
            {
                report.HasSvm = (cpu.Cpuid(CpuIdentification.ExtendedLeafBase + 1, 0).Ecx & SvmBit) != 0;
                report.BrandString = CpuIdentification.BrandString(ref cpu, maxExtended);
            }
        }

        private static string NoVmxReason(VirtualizationReport report)
        {
            string reason = "CPU has no VMX (CPUID.1:ECX.VMX = 0)";
            if (report.Vendor == "AuthenticAMD")
                reason = reason + "; this is an AMD CPU " + (report.HasSvm ? "(AMD SVM present)" : "(no AMD SVM)");
            if (report.Hypervisor)
                reason = reason + "; running under a hypervisor that does not expose VMX";
            return reason;
        }

        // Firmware normally locks the MSR; if it did not, we lock it with VMX-outside-SMX on, as the
        // SDM's VMXON preconditions require (lock bit set, bit 2 set for VMXON outside SMX).
        private static bool EnableInFeatureControl<TCpu>(ref TCpu cpu, VirtualizationReport report) where TCpu : struct, ICpu
        {
            Ia32FeatureControl control = new Ia32FeatureControl(cpu.ReadMsr(Msr.Ia32FeatureControl));
            report.FeatureControlWasLocked = control.Locked;
            if (!control.Locked)
            {
                cpu.WriteMsr(Msr.Ia32FeatureControl, control.Value | Ia32FeatureControl.LockBit | Ia32FeatureControl.VmxOutsideSmxBit);
                report.FeatureControlLockedHere = true;
                control = new Ia32FeatureControl(cpu.ReadMsr(Msr.Ia32FeatureControl));
            }
            report.FeatureControl = control.Value;
            if (control.Locked && control.VmxOutsideSmx)
                return true;
            report.Reason = report.FeatureControlLockedHere
                ? "IA32_FEATURE_CONTROL did not keep the lock and VMX-outside-SMX bits we wrote"
                : "IA32_FEATURE_CONTROL is locked with VMX disabled (enable VT-x in the firmware setup)";
            return false;
        }

        private static void ReadCapabilities<TCpu>(ref TCpu cpu, VirtualizationReport report) where TCpu : struct, ICpu
        {
            Ia32VmxBasic basic = new Ia32VmxBasic(cpu.ReadMsr(Msr.Ia32VmxBasic));
            report.VmxBasic = basic.Value;
            report.TrueControls = basic.TrueControls;
            report.VmcsRevision = basic.VmcsRevision;
            report.VmcsRegionSize = basic.VmcsRegionSize;
            bool useTrue = basic.TrueControls;
            report.PinBased = cpu.ReadMsr(useTrue ? Msr.Ia32VmxTruePinbasedCtls : Msr.Ia32VmxPinbasedCtls);
            report.ProcBased = cpu.ReadMsr(useTrue ? Msr.Ia32VmxTrueProcbasedCtls : Msr.Ia32VmxProcbasedCtls);
            report.Exit = cpu.ReadMsr(useTrue ? Msr.Ia32VmxTrueExitCtls : Msr.Ia32VmxExitCtls);
            report.Entry = cpu.ReadMsr(useTrue ? Msr.Ia32VmxTrueEntryCtls : Msr.Ia32VmxEntryCtls);
            report.Misc = cpu.ReadMsr(Msr.Ia32VmxMisc);
            report.Cr0Fixed0 = cpu.ReadMsr(Msr.Ia32VmxCr0Fixed0);
            report.Cr0Fixed1 = cpu.ReadMsr(Msr.Ia32VmxCr0Fixed1);
            report.Cr4Fixed0 = cpu.ReadMsr(Msr.Ia32VmxCr4Fixed0);
            report.Cr4Fixed1 = cpu.ReadMsr(Msr.Ia32VmxCr4Fixed1);
            if ((report.ProcBased & SecondaryControls) != 0)
                report.ProcBased2 = cpu.ReadMsr(Msr.Ia32VmxProcbasedCtls2);
            if ((report.ProcBased2 & EptOrVpid) != 0)
                report.EptVpidCap = cpu.ReadMsr(Msr.Ia32VmxEptVpidCap);
        }
    }
}
