// Host side. How an emulator session ended: by the emulator itself, or by the harness or timeout
// stopping it (and why). Only ExitedByItself says the machine ended its own run.
namespace BareVisor.Emulators;

public enum RunEnd
{
    /// <summary>
    /// The emulator exited without a signal from the harness or from timeout: a power-off device,
    /// a triple fault with -no-reboot, a fatal error, or Bochs's debugger at its last stop.
    /// <see cref="EmulatorResult.ExitCode"/> and <see cref="EmulatorResult.PowerOffDevice"/> say more.
    /// </summary>
    ExitedByItself,

    /// <summary>
    /// The kernel's power-off line came, but the emulator was still running when the harness's
    /// wait for it to end by itself ran out, so it was stopped: the power-off did not work.
    /// </summary>
    KilledAfterPowerOffLine,

    /// <summary><see cref="EmulatorRun.StopAfterLine"/> matched and the emulator was stopped after its grace period.</summary>
    StoppedAfterLine,

    /// <summary>The wall-clock limit ended it (timeout's signal, or the harness's backstop).</summary>
    KilledAtTimeout,

    /// <summary>The caller cancelled it (Ctrl-C in BareVisor.Run).</summary>
    Cancelled,

    /// <summary>A conversation step's line did not come in time (<see cref="ConversationLog.Failure"/>), so the emulator was stopped.</summary>
    ConversationFailed,

    /// <summary>The emulator ran but never connected its COM1 to the harness (see its log), so it was stopped.</summary>
    SerialNotConnected,
}
