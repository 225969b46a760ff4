// Pure logic; no hardware. What VirtualizationProbe found out about the CPU's VMX support.
using System.Collections.Generic;

namespace BareVisor.Core.Cpu
{
    public sealed class VirtualizationReport
    {
        /// <summary>The 12-character CPUID vendor ("GenuineIntel", "AuthenticAMD", ...).</summary>
        public string Vendor = "";

        /// <summary>DisplayFamily / DisplayModel as the SDM defines them (extended fields folded in).</summary>
        public uint Family;
        public uint Model;
        public uint Stepping;

        /// <summary>CPUID leaves 0x80000002-0x80000004, trimmed; "" when absent.</summary>
        public string BrandString = "";

        public bool HasVmx;       // CPUID.1:ECX.VMX[bit 5]
        public bool HasSvm;       // CPUID.80000001H:ECX.SVM[bit 2] (AMD)
        public bool Hypervisor;   // CPUID.1:ECX[bit 31]: we run inside another hypervisor

        /// <summary>IA32_FEATURE_CONTROL as left after probing (after our write, if we locked it).</summary>
        public ulong FeatureControl;
        public bool FeatureControlWasLocked;
        public bool FeatureControlLockedHere;

        /// <summary>VMXON may be tried. When false, Reason says why in one sentence.</summary>
        public bool VmxUsable;
        public string Reason = "";

        // Capability MSRs, read only when VmxUsable. PinBased/ProcBased/Exit/Entry hold the
        // IA32_VMX_TRUE_* values when TrueControls, else the original ones.
        public ulong VmxBasic;
        public ulong PinBased;
        public ulong ProcBased;
        public ulong ProcBased2;   // 0 when primary processor-based controls cannot enable them
        public ulong Exit;
        public ulong Entry;
        public ulong Misc;
        public ulong Cr0Fixed0;
        public ulong Cr0Fixed1;
        public ulong Cr4Fixed0;
        public ulong Cr4Fixed1;
        public ulong EptVpidCap;   // 0 when secondary controls cannot enable EPT or VPID

        /// <summary>Every VMX capability MSR the CPU has, in index order, as read: what the boot report prints.</summary>
        public readonly List<VmxCapabilityMsr> CapabilityMsrs = new List<VmxCapabilityMsr>();

        public bool TrueControls;  // IA32_VMX_BASIC[55]
        public uint VmcsRevision;  // IA32_VMX_BASIC[30:0]
        public uint VmcsRegionSize; // IA32_VMX_BASIC[44:32]
    }

    /// <summary>One capability MSR's index and the value RDMSR gave.</summary>
    public readonly struct VmxCapabilityMsr
    {
        public readonly uint Index;
        public readonly ulong Value;

        public VmxCapabilityMsr(uint index, ulong value)
        {
            Index = index;
            Value = value;
        }

        public string Name => Msr.VmxCapabilityName(Index);
    }
}
