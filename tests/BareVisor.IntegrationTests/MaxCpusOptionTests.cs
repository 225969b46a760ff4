// Host side. Boots the ELF through QEMU's Multiboot1 loader with a maxcpus value that is not a
// CPU count: the kernel names the bad value, ignores it, and boots on.
using System.Linq;
using BareVisor.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace BareVisor.IntegrationTests;

[Collection(EmulatorCollections.Qemu)]
public sealed class MaxCpusOptionTests(MaxCpusOptionTests.Boot boot, ITestOutputHelper log)
    : BootTests<MaxCpusOptionTests.Boot>(boot, log)
{
    [Fact]
    public void ABadValueIsReportedByNameAndIgnored()
    {
        const string expected = "boot: maxcpus '0' is not a whole number of at least 1; using every CPU";
        var lines = Output.LogLines().Where(l => l.Text == expected).ToList();
        Output.Expect(lines.Count == 1 && lines[0].Level == "warn", $"expected one warning \"{expected}\", got {lines.Count}");
    }

    public sealed class Boot() : KernelBootFixture("maxcpus=0");
}
