// Pure logic; no hardware. One guest as a valid [vm NAME] section of the configuration file describes it.
using BareVisor.Core.Text;

namespace BareVisor.Core.Config
{
    public sealed class VmConfig
    {
        public VmConfig(string name, int line, string kernel, string initrd, string commandLine,
            ulong memoryBytes, int vcpus)
        {
            Name = name;
            Line = line;
            Kernel = kernel;
            Initrd = initrd;
            CommandLine = commandLine;
            MemoryBytes = memoryBytes;
            Vcpus = vcpus;
        }

        /// <summary>The name from `[vm NAME]`: unique in the file.</summary>
        public string Name { get; }

        /// <summary>The line of the section header (1-based).</summary>
        public int Line { get; }

        /// <summary>The kernel's path as written; it is also the name of the boot module that carries the file.</summary>
        public string Kernel { get; }

        /// <summary>The initrd's path as written, or null when the VM has none.</summary>
        public string Initrd { get; }

        /// <summary>The guest kernel's command line ("" when none was given).</summary>
        public string CommandLine { get; }

        /// <summary>Guest RAM in bytes: a multiple of 4 KiB within the documented limits.</summary>
        public ulong MemoryBytes { get; }

        /// <summary>1 to <see cref="GuestConfigLimits.MaxVcpus"/>.</summary>
        public int Vcpus { get; }

        /// <summary>"vm web: kernel guests/vmlinuz, 512 MiB, 2 vCPUs": the line BareVisor prints for this VM.</summary>
        public string Describe()
        {
            TextBuffer text = new TextBuffer(stackalloc char[400]);
            text.Append("vm ");
            text.Append(Name);
            text.Append(": kernel ");
            text.Append(Kernel);
            if (Initrd != null)
            {
                text.Append(", initrd ");
                text.Append(Initrd);
            }
            text.Append(", ");
            text.AppendSize(MemoryBytes);
            text.Append(", ");
            text.AppendDecimal((ulong)Vcpus);
            text.Append(" vCPUs");
            return text.ToString();
        }
    }
}
