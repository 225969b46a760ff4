// Host side. Boots the ELF through QEMU's Multiboot1 loader with "fault=throw": a C# exception
// nobody catches must reach the kernel's last-chance handler, which names its type and message
// and powers off.
using System;
using BareVisor.Emulators;
using BareVisor.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace BareVisor.IntegrationTests;

[Collection(EmulatorCollections.Qemu)]
public sealed class ThrowPanicTests : IClassFixture<ThrowPanicTests.Boot>
{
    private const string UnhandledLine = @"^panic: unhandled exception (\S+): (.*)$";

    private readonly KernelOutput output;
    private readonly ITestOutputHelper log;

    public ThrowPanicTests(Boot boot, ITestOutputHelper log)
    {
        output = boot.Output;
        this.log = log;
    }

    [Fact]
    public void PanicNamesTheExceptionType()
    {
        string type = output.Line(UnhandledLine).Groups[1].Value;
        output.Expect(type.Contains("InvalidOperationException"), $"exception type \"{type}\" is not InvalidOperationException");
    }

    [Fact]
    public void PanicQuotesTheMessage()
    {
        string message = output.Line(UnhandledLine).Groups[2].Value;
        output.Expect(message.Contains("deliberate fault requested on the command line"), $"unexpected message \"{message}\"");
    }

    [Fact]
    public void PowerOffFollowsThePanic() => BootReport.PoweredOffAfter(output, UnhandledLine, log);

    public sealed class Boot : BootFixture
    {
        protected override EmulatorRun CreateRun(Repository repository) => new()
        {
            Emulator = EmulatorKind.Qemu,
            Boot = BootSource.Kernel(repository.KernelElf, "fault=throw"),
            MemoryMiB = 512,
            Timeout = TimeSpan.FromSeconds(20),
        };
    }
}
