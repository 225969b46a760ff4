// Host side. How an emulator session ended.
namespace BareVisor.Emulators;

public enum RunEnd
{
    /// <summary>The emulator exited by itself (power-off port, triple fault with -no-reboot, error).</summary>
    Exited,

    /// <summary>The stop line appeared and the emulator was killed after its grace period.</summary>
    StoppedAfterLine,

    /// <summary>The wall-clock limit ended it.</summary>
    TimedOut,

    /// <summary>The caller cancelled it (Ctrl-C in BareVisor.Run).</summary>
    Cancelled,

    /// <summary>A conversation step's line did not come in time (<see cref="ConversationLog.Failure"/>), so the emulator was stopped.</summary>
    ConversationFailed,

    /// <summary>The emulator ran but never connected its COM1 to the harness (see its log), so it was stopped.</summary>
    SerialNotConnected,
}
