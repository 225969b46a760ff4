// The CPU and VT-x lines of the boot report: identification, IA32_FEATURE_CONTROL and the VMX
// capability MSRs by their SDM names. Runs at boot.
using BareVisor.Core.Cpu;
using BareVisor.Core.Text;
using BareVisor.Kernel.Console;

namespace BareVisor.Kernel.Boot
{
    internal static class VirtualizationLines
    {
        internal static void Cpu(VirtualizationReport report)
        {
            TextBuffer line = new TextBuffer(stackalloc char[200]);
            line.Append("cpu: ");
            line.Append(report.Vendor);
            line.Append(" family ");
            line.AppendDecimal(report.Family);
            line.Append(" model ");
            line.AppendDecimal(report.Model);
            line.Append(" stepping ");
            line.AppendDecimal(report.Stepping);
            line.Append(" \"");
            line.Append(report.BrandString);
            line.Append("\"; VMX ");
            line.Append(report.HasVmx ? "yes" : "no");
            line.Append(", AMD SVM ");
            line.Append(report.HasSvm ? "yes" : "no");
            line.Append(report.Hypervisor ? ", running under a hypervisor" : ", bare metal");
            Log.Info(line.Text);
        }

        internal static void Vmx(VirtualizationReport report)
        {
            TextBuffer line = new TextBuffer(stackalloc char[160]);
            line.Append("vmx: VT-x usable; IA32_FEATURE_CONTROL ");
            line.AppendHexPrefixed(report.FeatureControl, 1);
            line.Append(report.FeatureControlLockedHere ? " (locked by BareVisor)" : " (locked by firmware)");
            line.Append("; VMCS revision ");
            line.AppendHexPrefixed(report.VmcsRevision, 1);
            line.Append(", region ");
            line.AppendDecimal(report.VmcsRegionSize);
            line.Append(" bytes");
            line.Append(report.TrueControls ? ", TRUE controls" : "");
            Log.Info(line.Text);
            Msr("IA32_VMX_BASIC", report.VmxBasic);
            Msr(report.TrueControls ? "IA32_VMX_TRUE_PINBASED_CTLS" : "IA32_VMX_PINBASED_CTLS", report.PinBased);
            Msr(report.TrueControls ? "IA32_VMX_TRUE_PROCBASED_CTLS" : "IA32_VMX_PROCBASED_CTLS", report.ProcBased);
            Msr("IA32_VMX_PROCBASED_CTLS2", report.ProcBased2);
            Msr(report.TrueControls ? "IA32_VMX_TRUE_EXIT_CTLS" : "IA32_VMX_EXIT_CTLS", report.Exit);
            Msr(report.TrueControls ? "IA32_VMX_TRUE_ENTRY_CTLS" : "IA32_VMX_ENTRY_CTLS", report.Entry);
            Msr("IA32_VMX_MISC", report.Misc);
            Msr("IA32_VMX_CR0_FIXED0", report.Cr0Fixed0);
            Msr("IA32_VMX_CR0_FIXED1", report.Cr0Fixed1);
            Msr("IA32_VMX_CR4_FIXED0", report.Cr4Fixed0);
            Msr("IA32_VMX_CR4_FIXED1", report.Cr4Fixed1);
            Msr("IA32_VMX_EPT_VPID_CAP", report.EptVpidCap);
        }

        private static void Msr(string name, ulong value)
        {
            TextBuffer line = new TextBuffer(stackalloc char[100]);
            line.Append("vmx: ");
            line.Append(name);
            line.Append(' ');
            line.AppendHexPrefixed(value, 16);
            Log.Info(line.Text);
        }
    }
}
