// Host side. Boots the ELF through QEMU's Multiboot1 loader with "loglevel=warning" and an option
// the kernel does not know: the boot report's info lines must be gone (only the first line, which
// the kernel prints before it reads its command line, stays), warnings must still show, and the
// unknown option must be reported by name at warning level.
using System.Linq;
using BareVisor.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace BareVisor.IntegrationTests;

[Collection(EmulatorCollections.Qemu)]
public sealed class LogLevelTests(LogLevelTests.Boot boot, ITestOutputHelper log)
    : BootTests<LogLevelTests.Boot>(boot, log)
{
    private const string UnknownOption = "no-such-option";

    // Printed before the command line is parsed, so no loglevel can hide it.
    private const string FirstLine = "boot: multiboot1 from ";

    [Fact]
    public void TheUnknownOptionIsReportedByNameAsAWarning()
    {
        string expected = $"boot: unknown command-line option '{UnknownOption}' ignored";
        var warnings = Output.LogLines().Where(l => l.Text == expected).ToList();
        Output.Expect(warnings.Count == 1, $"expected one line \"{expected}\", got {warnings.Count}");
        Output.Expect(warnings[0].Level == "warn", $"the unknown option is reported at level {warnings[0].Level}, not warn");
    }

    [Fact]
    public void InfoLinesAfterTheCommandLineAreHidden()
    {
        var info = Output.LogLines().Where(l => l.Level is "info" or "debug").Select(l => l.Text).ToList();
        Output.Expect(info.Count == 1 && info[0].StartsWith(FirstLine, System.StringComparison.Ordinal),
                      "with loglevel=warning only the line before the command line is read may be info; got:\n  " + string.Join("\n  ", info));
        foreach (string reportLine in new[] { @"^memory: ", @"^acpi: ", @"^cpu: " })
            Output.Expect(Output.IndexOf(reportLine) < 0, $"a boot-report line /{reportLine}/ was printed with loglevel=warning");
    }

    public sealed class Boot() : KernelBootFixture($"loglevel=warning {UnknownOption}=1");
}
