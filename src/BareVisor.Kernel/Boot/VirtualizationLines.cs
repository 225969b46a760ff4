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
            foreach (VmxCapabilityMsr msr in report.CapabilityMsrs)
                Msr(msr.Name, msr.Value);
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
