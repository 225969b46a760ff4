// Host side. Where the guest's COM1 goes.
namespace BareVisor.Emulators;

/// <summary>Where the emulated COM1 port is connected.</summary>
public enum SerialConsole
{
    /// <summary>
    /// The harness's own line (tests, CI, BareVisor.Run with Bochs): everything the guest sends is
    /// recorded in serial.log in the run directory, and the harness can type into the line (a
    /// conversation, or <see cref="EmulatorRun.Input"/>).
    /// </summary>
    File,

    /// <summary>
    /// The developer's terminal through QEMU's mon:stdio (Ctrl-A X quits). QEMU only: Bochs's
    /// term mode clears ISIG, so Ctrl-C reaches the guest and nothing can stop Bochs from the
    /// keyboard; and a killed Bochs leaves the terminal raw.
    /// </summary>
    Terminal,
}
