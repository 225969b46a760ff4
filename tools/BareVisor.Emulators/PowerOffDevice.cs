// Host side. Which of the power-off devices BareVisor writes (PowerOff.Now in the kernel) ended
// the emulator, from what the emulator leaves behind: QEMU's exit status after isa-debug-exit,
// Bochs's fatal panic in bochs.log. Only a run that ended by itself can have one.
namespace BareVisor.Emulators;

public enum PowerOffDevice
{
    /// <summary>None: the emulator was stopped, or it ended some other way.</summary>
    None,

    /// <summary>
    /// QEMU's isa-debug-exit: the exit status is (value &lt;&lt; 1) | 1, always odd. (QEMU's own
    /// start-up errors exit with 1 as well; a run that printed the power-off line is past those.)
    /// </summary>
    QemuDebugExit,

    /// <summary>Bochs's shutdown port (0x8900).</summary>
    BochsShutdownPort,

    /// <summary>Bochs's ACPI PM1 control register with the S5 sleep type.</summary>
    BochsAcpiSoftOff,
}

public static class PowerOffDevices
{
    /// <summary>
    /// The device that ended a run of <paramref name="emulator"/> which ended as <paramref name="end"/>
    /// with <paramref name="exitCode"/>, Bochs's fatal panic being <paramref name="bochsPanic"/>.
    /// </summary>
    public static PowerOffDevice Recognise(EmulatorKind emulator, RunEnd end, int? exitCode, BochsPanic bochsPanic)
    {
        if (end != RunEnd.ExitedByItself)
            return PowerOffDevice.None;
        if (emulator == EmulatorKind.Bochs)
            return bochsPanic == BochsPanic.ShutdownPort ? PowerOffDevice.BochsShutdownPort
                 : bochsPanic == BochsPanic.AcpiSoftOff ? PowerOffDevice.BochsAcpiSoftOff
                 : PowerOffDevice.None;
        return exitCode is int status && (status & 1) == 1 ? PowerOffDevice.QemuDebugExit : PowerOffDevice.None;
    }

    /// <summary>The value written to isa-debug-exit, from QEMU's exit status; null when QEMU did not end through it.</summary>
    public static int? QemuDebugExitValue(PowerOffDevice device, int? exitCode) =>
        device == PowerOffDevice.QemuDebugExit && exitCode is int status ? status >> 1 : null;

    /// <summary>The device BareVisor's power-off ends <paramref name="emulator"/> with: the first of its writes that the emulator acts on.</summary>
    public static PowerOffDevice Expected(EmulatorKind emulator) =>
        emulator == EmulatorKind.Bochs ? PowerOffDevice.BochsShutdownPort : PowerOffDevice.QemuDebugExit;
}
