// Pure logic; no hardware. What parsing a configuration file produced: the VMs that may start and the errors.
using BareVisor.Core.Text;

namespace BareVisor.Core.Config
{
    public sealed class GuestConfigResult
    {
        public GuestConfigResult(VmConfig[] vms, ConfigError[] errors, int rejectedVms)
        {
            Vms = vms;
            Errors = errors;
            RejectedVms = rejectedVms;
        }

        /// <summary>The valid VMs, in file order.</summary>
        public VmConfig[] Vms { get; }

        /// <summary>Every problem, in file order (a VM with several problems has several entries).</summary>
        public ConfigError[] Errors { get; }

        /// <summary>How many [vm] sections were refused.</summary>
        public int RejectedVms { get; }

        public bool HasErrors => Errors.Length != 0;

        /// <summary>"2 VMs configured, 1 rejected": the summary line BareVisor prints.</summary>
        public string Summary()
        {
            TextBuffer text = new TextBuffer(stackalloc char[80]);
            text.AppendDecimal((ulong)Vms.Length);
            text.Append(" VMs configured, ");
            text.AppendDecimal((ulong)RejectedVms);
            text.Append(" rejected");
            return text.ToString();
        }

        /// <summary>The VM called name, or null.</summary>
        public VmConfig Find(string name)
        {
            for (int i = 0; i < Vms.Length; i++)
            {
                if (Vms[i].Name == name)
                    return Vms[i];
            }
            return null;
        }
    }
}
