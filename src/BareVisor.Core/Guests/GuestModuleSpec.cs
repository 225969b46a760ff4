// A test guest passed as a boot module: `guest name=<id> mode=real|protected|long memory=<size>`
// on the module's command line, the module itself a flat binary. Where it is loaded and how its
// vCPU starts follow from the mode (see docs in README). Pure logic; errors are returned.
using BareVisor.Core.Boot;
using BareVisor.Core.Config;

namespace BareVisor.Core.Guests
{
    public enum GuestStartMode
    {
        Real,
        Protected,
        Long,
    }

    public sealed class GuestModuleSpec
    {
        public const string Keyword = "guest";
        public const ulong DefaultMemory = 16UL << 20;
        public const ulong RealModeLoadAddress = 0x7C00;
        public const ulong ProtectedModeLoadAddress = 0x100000;

        public const ulong MaxTimeLimitSeconds = 86400;

        private static readonly string[] s_known = { Keyword, "name", "mode", "memory", "timelimit" };

        public string Name;
        public GuestStartMode Mode;
        public ulong MemoryBytes;

        // Seconds of run time before BareVisor stops the guest; 0 = no limit.
        public ulong TimeLimitSeconds;

        public ulong LoadAddress => Mode == GuestStartMode.Real ? RealModeLoadAddress : ProtectedModeLoadAddress;

        public static bool IsGuestModule(string commandLine) =>
            commandLine != null && (commandLine == Keyword || commandLine.StartsWith(Keyword + " ", System.StringComparison.Ordinal));

        public static bool TryParse(string commandLine, ulong imageSize, out GuestModuleSpec spec, out string error)
        {
            spec = null;
            CommandLine options = CommandLine.Parse(commandLine);
            string[] unknown = options.Unknown(s_known);
            if (unknown.Length > 0)
                return Fail("unknown option '" + unknown[0] + "' (known: name, mode, memory, timelimit)", out error);
            GuestModuleSpec result = new GuestModuleSpec { Name = options.Get("name"), MemoryBytes = DefaultMemory };
            if (string.IsNullOrEmpty(result.Name))
                return Fail("missing name=<id>", out error);
            if (!TryParseMode(options.Get("mode"), out result.Mode))
                return Fail("mode must be real, protected or long", out error);
            string memory = options.Get("memory");
            if (memory != null && !ConfigValues.TryParseSize(memory, out result.MemoryBytes, out error))
                return false;
            string limit = options.Get("timelimit");
            if (limit != null && !TryParseSeconds(limit, out result.TimeLimitSeconds))
                return Fail("timelimit must be a whole number of seconds from 1 to 86400", out error);
            if (result.LoadAddress + imageSize > result.MemoryBytes)
                return Fail("the image does not fit in the guest's memory above its load address", out error);
            spec = result;
            error = null;
            return true;
        }

        private static bool TryParseMode(string value, out GuestStartMode mode)
        {
            mode = GuestStartMode.Real;
            if (value == null || value == "real")
                return true;
            if (value == "protected")
                mode = GuestStartMode.Protected;
            else if (value == "long")
                mode = GuestStartMode.Long;
            else
                return false;
            return true;
        }

        private static bool TryParseSeconds(string value, out ulong seconds) =>
            ConfigValues.TryParseWholeNumber(value, out seconds) && seconds >= 1 && seconds <= MaxTimeLimitSeconds;

        private static bool Fail(string message, out string error)
        {
            error = message;
            return false;
        }
    }
}
