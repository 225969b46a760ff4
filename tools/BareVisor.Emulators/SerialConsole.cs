// Host side. Where the guest's COM1 goes.
namespace BareVisor.Emulators;

/// <summary>Where the emulated COM1 port is connected.</summary>
public enum SerialConsole
{
    /// <summary>A file in the run directory, polled by the harness (tests, CI).</summary>
    File,

    /// <summary>The developer's terminal, for interactive runs (QEMU: mon:stdio; Bochs: /dev/tty).</summary>
    Terminal,
}
