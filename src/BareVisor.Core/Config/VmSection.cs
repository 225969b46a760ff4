// Pure logic; no hardware. Collects the keys of one [vm NAME] section; any error rejects the section
// (that VM only). Finish turns an error-free section into a VmConfig.
using System.Collections.Generic;
using BareVisor.Core.Text;

namespace BareVisor.Core.Config
{
    internal sealed class VmSection
    {
        internal const string Kernel = "kernel";
        internal const string Initrd = "initrd";
        internal const string CommandLine = "cmdline";
        internal const string Memory = "memory";
        internal const string Vcpus = "vcpus";
        internal const string KnownKeys = "kernel, initrd, cmdline, memory, vcpus";

        private static readonly string[] s_keys = { Kernel, Initrd, CommandLine, Memory, Vcpus };

        private readonly List<ConfigError> errors;
        private readonly int[] keyLines = new int[s_keys.Length];   // where each of s_keys was set; 0 if not yet

        private string kernel;
        private string initrd;
        private string commandLine = "";
        private ulong memoryBytes;
        private int vcpus = 1;

        internal VmSection(string name, int line, List<ConfigError> errors)
        {
            Name = name;
            Line = line;
            this.errors = errors;
        }

        /// <summary>The name as written (possibly invalid: it is still how errors refer to the section).</summary>
        internal string Name { get; }

        internal int Line { get; }

        internal bool Rejected { get; private set; }

        internal void Error(int line, string field, string message)
        {
            errors.Add(new ConfigError(line, field, message, Name));
            Rejected = true;
        }

        internal void Set(int line, string key, string value)
        {
            int index = KeyIndex(key);
            if (index < 0)
            {
                Error(line, key, string.Concat("unknown key; the keys are ", KnownKeys));
                return;
            }
            if (keyLines[index] != 0)
            {
                Error(line, key, Messages.WithDecimal("set twice (first on line ", (ulong)keyLines[index], ")"));
                return;
            }
            keyLines[index] = line;
            if (!TryApply(key, value, out string error))
                Error(line, key, error);
        }

        private bool TryApply(string key, string value, out string error)
        {
            if (key == CommandLine)
            {
                commandLine = value;
                return ConfigValues.CheckCommandLine(value, out error);
            }
            if (value.Length == 0)
            {
                error = "the value is empty";
                return false;
            }
            if (key == Memory)
                return ConfigValues.TryParseSize(value, out memoryBytes, out error);
            if (key == Vcpus)
                return ConfigValues.TryParseVcpus(value, out vcpus, out error);
            if (key == Kernel)
                kernel = value;
            else
                initrd = value;
            return ConfigValues.CheckPath(value, out error);
        }

        /// <summary>Checks the required keys; returns the VM, or null when the section is rejected.</summary>
        internal VmConfig Finish()
        {
            if (keyLines[KeyIndex(Kernel)] == 0)
                Error(Line, Kernel, "missing; every vm needs a kernel");
            if (keyLines[KeyIndex(Memory)] == 0)
                Error(Line, Memory, "missing; give the guest's RAM, e.g. memory = 256M");
            if (Rejected)
                return null;
            return new VmConfig(Name, Line, kernel, initrd, commandLine, memoryBytes, vcpus);
        }

        private static int KeyIndex(string key)
        {
            for (int i = 0; i < s_keys.Length; i++)
            {
                if (s_keys[i] == key)
                    return i;
            }
            return -1;
        }
    }
}
