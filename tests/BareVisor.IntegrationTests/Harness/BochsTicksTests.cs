// Host side. The tick count Bochs's debugger prints when it stops (EmulatorResult.BochsTicks), from
// console output as Bochs 2.7 writes it after the shutdown port and after SIGINT.
using BareVisor.Emulators;
using Xunit;

namespace BareVisor.IntegrationTests.Harness;

public sealed class BochsTicksTests
{
    [Fact]
    public void TheTicksOfTheLastStopLineAreTaken()
    {
        string afterInterrupt = """
            Next at t=0
            (0) [0x0000fffffff0] f000:fff0 (unk. ctxt): jmpf 0xf000:e05b          ; ea5be000f0
            Next at t=60306891
            (0) [0x00000000ce39] 0008:000000000000ce39 (unk. ctxt): sub ecx, 0x00000001       ; 83e901
            <bochs:1> <bochs:2> fgets() returned ERROR.
            debugger interrupt request was 0
            (0).[60306891] [0x00000000ce39] 0008:000000000000ce39 (unk. ctxt): sub ecx, 0x00000001       ; 83e901
            """;
        Assert.Equal(60306891L, EmulatorResult.ParseBochsTicks(afterInterrupt));
        string afterShutdown = "Bochs is exiting with the following message:\n[UNMAP ] Shutdown port: shutdown requested\n"
                               + "(0).[110736398] [0x000000101095] 0008:0000000000101095 (unk. ctxt): out dx, al ; ee\n";
        Assert.Equal(110736398L, EmulatorResult.ParseBochsTicks(afterShutdown));
    }

    [Fact]
    public void NoStopLineMeansUnknown()
    {
        Assert.Null(EmulatorResult.ParseBochsTicks("Next at t=0\n(0) [0x0000fffffff0] f000:fff0 (unk. ctxt): jmpf 0xf000:e05b\n"));
        Assert.Null(EmulatorResult.ParseBochsTicks(null));
    }
}
