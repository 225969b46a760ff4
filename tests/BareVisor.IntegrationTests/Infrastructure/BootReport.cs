// Host side. Checks of the boot report lines every configuration prints (memory, CPUs, the
// power-off at the end), shared by the QEMU and Bochs test classes.
using System.Collections.Generic;
using System.Text.RegularExpressions;
using BareVisor.Emulators;
using Xunit.Abstractions;

namespace BareVisor.IntegrationTests.Infrastructure;

public static class BootReport
{
    /// <summary>Firmware, ACPI tables and the legacy hole take some memory, but never more than this.</summary>
    private const long FirmwareReserveMiB = 16;

    public static void UsableMemoryFits(KernelOutput output, int configuredMiB)
    {
        long usable = long.Parse(output.Line(@"memory: (\d+) bytes usable").Groups[1].Value);
        long most = configuredMiB * (1L << 20);
        long least = (configuredMiB - FirmwareReserveMiB) * (1L << 20);
        output.Expect(usable <= most && usable >= least,
                      $"usable memory {usable} bytes is outside [{least}, {most}] for a {configuredMiB} MiB machine");
    }

    public static void CpuCount(KernelOutput output, int expected)
    {
        int cpus = int.Parse(output.Line(@"acpi: (\d+) CPUs?").Groups[1].Value);
        output.Expect(cpus == expected, $"ACPI reported {cpus} CPUs, the machine has {expected}");
    }

    /// <summary>The run ended as <paramref name="expected"/> says (see <see cref="PowerOffCheck"/>).</summary>
    public static void EndedAsExpected(KernelOutput output, ExpectedEnd expected, ITestOutputHelper log)
    {
        EmulatorResult result = output.Result;
        log.WriteLine($"{result.Run.Describe()}: {result.End} after {result.WallTime.TotalSeconds:F1} s, exit code {result.ExitCode?.ToString() ?? "none"}, {result.PowerOffDevice}");
        IReadOnlyList<string> problems = PowerOffCheck.Problems(result, expected);
        output.Expect(problems.Count == 0, $"the run did not end as {expected}: {string.Join("; ", problems)}");
    }

    /// <summary>The power-off line comes after the line matching <paramref name="pattern"/>.</summary>
    public static void PowerOffLineAfter(KernelOutput output, string pattern)
    {
        int at = output.IndexOf(pattern);
        int off = output.IndexOf("^" + Regex.Escape(SerialText.PowerOffLine) + "$");
        output.Expect(at >= 0 && off > at, $"no \"{SerialText.PowerOffLine}\" after /{pattern}/");
    }
}
