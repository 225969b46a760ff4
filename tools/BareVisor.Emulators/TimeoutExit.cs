// Host side. Tells timeout's own ending of the emulator from the emulator's exit: coreutils
// timeout exits 124 after its SIGTERM and 137 after its SIGKILL (--kill-after). No emulator exits
// with those by itself (isa-debug-exit statuses are odd, Bochs always returns 1), and the time
// must agree: timeout only acts once the limit has passed.
using System;

namespace BareVisor.Emulators;

internal static class TimeoutExit
{
    public const int AfterTerm = 124;
    public const int AfterKill = 137;

    /// <summary>True when an exit with <paramref name="exitCode"/> at <paramref name="elapsed"/> was timeout's doing under <paramref name="limit"/> (zero: no limit).</summary>
    public static bool Caused(int exitCode, TimeSpan elapsed, TimeSpan limit) =>
        limit > TimeSpan.Zero && exitCode is AfterTerm or AfterKill && elapsed >= limit;
}
