// Host side. The one check of how a boot of BareVisor ended, shared by every test project that
// boots it: the kernel's last line is its power-off line, the emulator then ended by itself through
// the power-off device it acts on (so the power-off mechanism itself is tested, not only the line),
// with the status the kernel means (QEMU's isa-debug-exit carries it), and the serial log shows a
// panic report exactly when the run was meant to panic.
using System.Collections.Generic;
using System.Linq;

namespace BareVisor.Emulators;

/// <summary>How a boot is meant to end.</summary>
public enum ExpectedEnd
{
    /// <summary>BareVisor's orderly power-off (status 0), no panic.</summary>
    PowerOff,

    /// <summary>A panic report, then BareVisor's power-off with the panic status (1): the tests that provoke one.</summary>
    PanicThenPowerOff,
}

public static class PowerOffCheck
{
    /// <summary>The power-off status the kernel passes to isa-debug-exit (PowerOff.SuccessStatus, PanicStatus).</summary>
    public static int KernelStatus(ExpectedEnd expected) => expected == ExpectedEnd.PowerOff ? 0 : 1;

    /// <summary>What is wrong with how <paramref name="result"/> ended; empty when it ended as <paramref name="expected"/>.</summary>
    public static IReadOnlyList<string> Problems(EmulatorResult result, ExpectedEnd expected)
    {
        var problems = new List<string>();
        IReadOnlyList<string> lines = result.SerialLines;
        string panic = lines.FirstOrDefault(SerialText.IsPanic);
        if (expected == ExpectedEnd.PowerOff && panic != null)
            problems.Add($"BareVisor panicked: \"{panic}\"");
        if (expected == ExpectedEnd.PanicThenPowerOff && panic == null)
            problems.Add("no panic report (no line starting \"panic: \")");
        if (!result.EndedWithPowerOff)
            problems.Add($"the last serial line is not \"{SerialText.PowerOffLine}\"");
        if (result.End != RunEnd.ExitedByItself)
            problems.Add($"the emulator did not end by itself: {result.End}");
        else
            ExitedThroughThePowerOffDevice(result, expected, problems);
        return problems;
    }

    private static void ExitedThroughThePowerOffDevice(EmulatorResult result, ExpectedEnd expected, List<string> problems)
    {
        PowerOffDevice wanted = PowerOffDevices.Expected(result.Run.Emulator);
        if (result.PowerOffDevice != wanted)
        {
            problems.Add($"the emulator ended by itself, but not through {wanted}: exit status {result.ExitCode}"
                         + (result.BochsPanic != null ? $", Bochs's log: {result.BochsPanic}" : ""));
            return;
        }
        int? value = PowerOffDevices.QemuDebugExitValue(result.PowerOffDevice, result.ExitCode);
        if (value != null && value != KernelStatus(expected))
            problems.Add($"isa-debug-exit got status {value}, the kernel's status for {expected} is {KernelStatus(expected)}");
    }
}
