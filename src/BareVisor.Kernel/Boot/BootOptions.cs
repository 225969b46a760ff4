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
        internal const string MaxCpusOption = "maxcpus";

        private static readonly string[] s_known = { Fault, LogLevelOption, SelfTest, MaxCpusOption };

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

        // maxcpus=N: use at most N CPUs, the boot CPU included; 0 (also for a bad value) means all.
        internal static int MaxCpus(CommandLine options)
        {
            string value = options.Get(MaxCpusOption);
            if (value == null)
                return 0;
            if (BareVisor.Core.Config.ConfigValues.TryParseWholeNumber(value, out ulong cpus) && cpus >= 1 && cpus <= int.MaxValue)
                return (int)cpus;
            Log.Warning("boot: maxcpus '" + value + "' is not a whole number of at least 1; using every CPU");
            return 0;
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
