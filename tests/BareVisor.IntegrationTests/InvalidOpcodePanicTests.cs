// Host side. Boots the ELF through QEMU's Multiboot1 loader with "fault=invalid-opcode": the
// kernel executes UD2 on purpose (cpu_invalid_opcode in boot/cpu.asm, called from
// FaultInjection.Run), and the panic must name vector 6 #UD, resolve RIP to that routine, dump the
// registers, trace the stack back to the fault injector and power off.
using BareVisor.Emulators;
using BareVisor.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace BareVisor.IntegrationTests;

[Collection(EmulatorCollections.Qemu)]
public sealed class InvalidOpcodePanicTests(InvalidOpcodePanicTests.Boot boot, ITestOutputHelper log)
    : ExceptionPanicTests<InvalidOpcodePanicTests.Boot>(boot, log)
{
    // #UD pushes no error code; the interrupt stub pushes 0 in its place.
    private const ulong NoErrorCode = 0x0;

    [Fact]
    public void PanicNamesVector6InvalidOpcode() => PanicReport.NamesException(Output, 6, "#UD", NoErrorCode);

    [Fact]
    public void RipResolvesToTheUd2Routine()
    {
        string symbol = PanicReport.RipSymbol(Output);
        Output.Expect(symbol.StartsWith("cpu_invalid_opcode+", System.StringComparison.Ordinal),
                      $"RIP symbol \"{symbol}\" is not cpu_invalid_opcode, the routine that executes UD2");
    }

    public sealed class Boot() : KernelBootFixture("fault=invalid-opcode", ExpectedEnd.PanicThenPowerOff);
}
