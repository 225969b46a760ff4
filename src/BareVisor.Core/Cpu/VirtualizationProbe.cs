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
        private const ulong VmFunctions = 1UL << (32 + 13);                      // allowed-1 of secondary bit 13
        private const ulong TertiaryControls = 1UL << (32 + 17);                 // allowed-1 of primary proc-based bit 17

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

        // In index order, each MSR only when the SDM says it exists (Vol. 3D, A.1): the control
        // MSRs with CPUID.1:ECX.VMX, CTLS2 with its primary control, EPT_VPID_CAP with EPT or VPID,
        // the TRUE ones with IA32_VMX_BASIC[55], VMFUNC with "enable VM functions", CTLS3 with
        // "activate tertiary controls" (Bochs's corei7_skylake_x has none and #GPs on it). The controls
        // kept for the plan are the TRUE values when the CPU has them.
        private static void ReadCapabilities<TCpu>(ref TCpu cpu, VirtualizationReport report) where TCpu : struct, ICpu
        {
            Ia32VmxBasic basic = new Ia32VmxBasic(Read(ref cpu, report, Msr.Ia32VmxBasic));
            report.VmxBasic = basic.Value;
            report.TrueControls = basic.TrueControls;
            report.VmcsRevision = basic.VmcsRevision;
            report.VmcsRegionSize = basic.VmcsRegionSize;
            report.PinBased = Read(ref cpu, report, Msr.Ia32VmxPinbasedCtls);
            report.ProcBased = Read(ref cpu, report, Msr.Ia32VmxProcbasedCtls);
            report.Exit = Read(ref cpu, report, Msr.Ia32VmxExitCtls);
            report.Entry = Read(ref cpu, report, Msr.Ia32VmxEntryCtls);
            report.Misc = Read(ref cpu, report, Msr.Ia32VmxMisc);
            report.Cr0Fixed0 = Read(ref cpu, report, Msr.Ia32VmxCr0Fixed0);
            report.Cr0Fixed1 = Read(ref cpu, report, Msr.Ia32VmxCr0Fixed1);
            report.Cr4Fixed0 = Read(ref cpu, report, Msr.Ia32VmxCr4Fixed0);
            report.Cr4Fixed1 = Read(ref cpu, report, Msr.Ia32VmxCr4Fixed1);
            Read(ref cpu, report, Msr.Ia32VmxVmcsEnum);
            if ((report.ProcBased & SecondaryControls) != 0)
                report.ProcBased2 = Read(ref cpu, report, Msr.Ia32VmxProcbasedCtls2);
            if ((report.ProcBased2 & EptOrVpid) != 0)
                report.EptVpidCap = Read(ref cpu, report, Msr.Ia32VmxEptVpidCap);
            if (basic.TrueControls)
            {
                report.PinBased = Read(ref cpu, report, Msr.Ia32VmxTruePinbasedCtls);
                report.ProcBased = Read(ref cpu, report, Msr.Ia32VmxTrueProcbasedCtls);
                report.Exit = Read(ref cpu, report, Msr.Ia32VmxTrueExitCtls);
                report.Entry = Read(ref cpu, report, Msr.Ia32VmxTrueEntryCtls);
            }
            if ((report.ProcBased2 & VmFunctions) != 0)
                Read(ref cpu, report, Msr.Ia32VmxVmfunc);
            if ((report.ProcBased & TertiaryControls) != 0)
                Read(ref cpu, report, Msr.Ia32VmxProcbasedCtls3);
        }

        private static ulong Read<TCpu>(ref TCpu cpu, VirtualizationReport report, uint index) where TCpu : struct, ICpu
        {
            ulong value = cpu.ReadMsr(index);
            report.CapabilityMsrs.Add(new VmxCapabilityMsr(index, value));
            return value;
        }
    }
}
