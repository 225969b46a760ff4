// Host side. The line cleaning every integration test relies on, fed with bytes as GRUB and
// the kernel really send them.
using BareVisor.Emulators;
using Xunit;

namespace BareVisor.IntegrationTests.Harness;

public sealed class SerialTextTests
{
    [Fact]
    public void GrubEscapesAndCarriageReturnsAreRemoved()
    {
        string raw = "\x1b[H\x1b[J\x1b[1;1H  Booting `BareVisor'\r\n\r\n\rBareVisor 0.1 on x86-64\r\n\x1b[=3hX\r\n";
        Assert.Equal(["  Booting `BareVisor'", "BareVisor 0.1 on x86-64", "X"], SerialText.Lines(raw));
    }

    [Theory]
    [InlineData("[    0.001234] info  memory: 1 bytes usable", "memory: 1 bytes usable")]
    [InlineData("[   12.5] warn  acpi: 2 CPUs", "acpi: 2 CPUs")]
    [InlineData("[    0.000001] BareVisor: power off", "BareVisor: power off")]
    [InlineData("panic: CR2 0x0", "panic: CR2 0x0")]
    [InlineData("BareVisor 0.1 on x86-64", "BareVisor 0.1 on x86-64")]
    public void TimestampAndLevelPrefixesAreRemoved(string line, string expected) =>
        Assert.Equal(expected, SerialText.StripPrefix(line));

    [Fact]
    public void OnlyTheExactLineIsPowerOff()
    {
        Assert.True(SerialText.IsPowerOff("BareVisor: power off"));
        Assert.False(SerialText.IsPowerOff("BareVisor: power of"));
        Assert.False(SerialText.IsPowerOff("BareVisor: power off requested"));
    }
}
