// Host side. The emulator-specific half of a run, handed to the generic process supervision.
using System.Collections.Generic;

namespace BareVisor.Emulators;

/// <summary>How to start one emulator and where its output lands (paths inside the run directory).</summary>
internal sealed record LaunchPlan(
    string Program,
    IReadOnlyList<string> Arguments,
    string SerialPath,
    string EmulatorLogPath,
    IReadOnlyList<string> TemporaryFiles)
{
    /// <summary>The emulator's stdio is the developer's terminal (QEMU mon:stdio).</summary>
    public bool InheritsTerminal { get; init; }
}
