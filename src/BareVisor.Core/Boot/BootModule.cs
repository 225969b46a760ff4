// Pure logic; no hardware. A file the boot loader loaded next to the kernel (e.g. a guest image).
using BareVisor.Core.Memory;

namespace BareVisor.Core.Boot
{
    public readonly struct BootModule
    {
        /// <summary>Where the module's bytes are: [mod_start, mod_end).</summary>
        public readonly PhysicalRange Range;

        /// <summary>The string the loader attached to the module ("" if none).</summary>
        public readonly string CommandLine;

        public BootModule(PhysicalRange range, string commandLine)
        {
            Range = range;
            CommandLine = commandLine;
        }
    }
}
