// The kernel command line: which options exist and what they do. Unknown options and bad values
// are reported, never silently dropped. Runs at boot.
using BareVisor.Core.Boot;
using BareVisor.Kernel.Console;

namespace BareVisor.Kernel.Boot
{
    internal static class BootOptions
    {
        internal const string Fault = "fault";
        internal const string LogLevelOption = "loglevel";
        internal const string SelfTest = "selftest";

        private static readonly string[] s_known = { Fault, LogLevelOption, SelfTest };

        internal static CommandLine Apply(string text)
        {
            CommandLine options = CommandLine.Parse(text ?? "");
            foreach (string key in options.Unknown(s_known))
            {
                // QEMU's -kernel passes the kernel's own path first.
                if (key.IndexOf('/') < 0)
                    Log.Warning("boot: unknown command-line option '" + key + "' ignored");
            }
            ApplyLogLevel(options.Get(LogLevelOption));
            return options;
        }

        private static void ApplyLogLevel(string value)
        {
            if (value == null)
                return;
            if (value == "debug")
                Log.Threshold = LogLevel.Debug;
            else if (value == "info")
                Log.Threshold = LogLevel.Info;
            else if (value == "warning")
                Log.Threshold = LogLevel.Warning;
            else if (value == "error")
                Log.Threshold = LogLevel.Error;
            else
                Log.Warning("boot: loglevel '" + value + "' is not one of debug, info, warning, error; keeping info");
        }
    }
}
