// Pure logic; no hardware. How BareVisor names the boot modules a loader hands it, so a configuration
// can refer to them. A module's name is the LAST word of its command line, because loaders differ in
// what comes first:
//   GRUB   `module2 /boot/vms.conf config`         -> "config"
//   QEMU   `-initrd "vms.conf config"`             -> "vms.conf config"
//   iPXE   `module vms.conf config`                -> "tftp://10.0.2.2/vms.conf config"
// The configuration module is named "config"; each guest file is named by its path exactly as the
// configuration writes it (`kernel = guests/vmlinuz` -> a module named "guests/vmlinuz").
using BareVisor.Core.Boot;

namespace BareVisor.Core.Config
{
    public static class BootModuleNames
    {
        /// <summary>The name of the module that holds the guest configuration file.</summary>
        public const string Config = "config";

        /// <summary>The last space- or tab-separated word of commandLine, or "" if there is none.</summary>
        public static string NameOf(string commandLine)
        {
            if (commandLine == null)
                return "";
            int end = commandLine.Length;
            while (end > 0 && IsSeparator(commandLine[end - 1]))
                end--;
            int start = end;
            while (start > 0 && !IsSeparator(commandLine[start - 1]))
                start--;
            return commandLine.Substring(start, end - start);
        }

        /// <summary>The index of the first module called name, or -1.</summary>
        public static int IndexOf(BootModule[] modules, string name)
        {
            for (int i = 0; modules != null && i < modules.Length; i++)
            {
                if (NameOf(modules[i].CommandLine) == name)
                    return i;
            }
            return -1;
        }

        /// <summary>How many modules are called name (more than one config module deserves a warning).</summary>
        public static int Count(BootModule[] modules, string name)
        {
            int count = 0;
            for (int i = 0; modules != null && i < modules.Length; i++)
            {
                if (NameOf(modules[i].CommandLine) == name)
                    count++;
            }
            return count;
        }

        private static bool IsSeparator(char c) => c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }
}
