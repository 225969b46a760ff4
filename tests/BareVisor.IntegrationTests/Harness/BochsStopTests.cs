// Host side. The stops of Bochs's debugger (EmulatorResult.BochsStops), from console output as
// Bochs 2.7 writes it at power-on, at magic breakpoints, at a physical breakpoint and at its exit,
// and the span a boot benchmark takes from them.
using System.Collections.Generic;
using BareVisor.Emulators;
using Xunit;

namespace BareVisor.IntegrationTests.Harness;

public sealed class BochsStopTests
{
    // A Linux guest under BareVisor: BareVisor's mark before the first VM entry (kernel mode, the
    // `ret` after it), then /bin/bochs-mark in the guest's user space; Bochs exits at the second.
    private const string UnderBareVisor = """
        Next at t=0
        (0) [0x0000fffffff0] f000:fff0 (unk. ctxt): jmpf 0xf000:e05b          ; ea5be000f0
        (0) Magic breakpoint
        Next at t=322310076
        (0) [0x000000101091] 0008:0000000000101091 (unk. ctxt): ret                       ; c3
        (0) Magic breakpoint
        Next at t=2820010345
        (0) [0x00001112607b] 0033:000000000040007b (unk. ctxt): mov eax, 0x0000003c       ; b83c000000
        <bochs:1> fgets() returned ERROR.
        debugger interrupt request was 0
        (0).[2820010345] [0x00001112607b] 0033:000000000040007b (unk. ctxt): mov eax, 0x0000003c       ; b83c000000
        """;

    // The same kernel booted by GRUB: the breakpoint at its 32-bit entry, then the same mark.
    private const string Native = """
        Next at t=0
        (0) [0x0000fffffff0] f000:fff0 (unk. ctxt): jmpf 0xf000:e05b          ; ea5be000f0
        (0) Breakpoint 1, 0x0000000001000000 in ?? ()
        Next at t=315950754
        (0) [0x000001000000] 0010:0000000001000000 (unk. ctxt): cld                       ; fc
        (0) Magic breakpoint
        Next at t=1996056255
        (0) [0x0000038b607b] 0033:000000000040007b (unk. ctxt): mov eax, 0x0000003c       ; b83c000000
        <bochs:1> fgets() returned ERROR.
        """;

    [Fact]
    public void EveryStopIsReadWithItsReasonAndPlace()
    {
        IReadOnlyList<BochsStop> stops = BochsStop.Parse(UnderBareVisor);
        Assert.Equal(3, stops.Count);
        Assert.Equal(new BochsStop(0, BochsStopReason.Other, 0, 0xfffffff0, 0xf000, 0xfff0, "jmpf 0xf000:e05b"), stops[0]);
        Assert.Equal(new BochsStop(322310076, BochsStopReason.MagicBreakpoint, 0, 0x101091, 0x0008, 0x101091, "ret"), stops[1]);
        Assert.Equal(new BochsStop(2820010345, BochsStopReason.MagicBreakpoint, 0, 0x1112607b, 0x0033, 0x40007b, "mov eax, 0x0000003c"), stops[2]);
        Assert.False(stops[1].InUserMode);
        Assert.True(stops[2].InUserMode);

        BochsStop breakpoint = BochsStop.Parse(Native)[1];
        Assert.Equal((BochsStopReason.Breakpoint, 315950754L, 0x1000000UL, (ushort)0x0010, "cld"),
                     (breakpoint.Reason, breakpoint.Ticks, breakpoint.PhysicalAddress, breakpoint.CodeSelector, breakpoint.Instruction));
    }

    [Fact]
    public void TheSpanRunsFromTheLastKernelMarkToTheFirstUserMark()
    {
        Assert.True(BochsStop.TryFindUserSpaceSpan(BochsStop.Parse(UnderBareVisor), out BochsStop start, out BochsStop end));
        Assert.Equal((322310076L, 2820010345L), (start.Ticks, end.Ticks));
        Assert.True(BochsStop.TryFindUserSpaceSpan(BochsStop.Parse(Native), out start, out end));
        Assert.Equal((BochsStopReason.Breakpoint, 1996056255L - 315950754L), (start.Reason, end.Ticks - start.Ticks));

        // Two guests' first entries before the user-space mark: the later one starts the span.
        string twoEntries = UnderBareVisor.Replace("(0) Magic breakpoint\nNext at t=2820010345",
            "(0) Magic breakpoint\nNext at t=400000000\n(0) [0x000000101091] 0008:0000000000101091 (unk. ctxt): ret ; c3\n(0) Magic breakpoint\nNext at t=2820010345");
        Assert.True(BochsStop.TryFindUserSpaceSpan(BochsStop.Parse(twoEntries), out start, out _));
        Assert.Equal(400000000L, start.Ticks);
    }

    [Fact]
    public void AMissingMarkMeansNoSpan()
    {
        IReadOnlyList<BochsStop> stops = BochsStop.Parse(UnderBareVisor);
        Assert.False(BochsStop.TryFindUserSpaceSpan([stops[0], stops[1]], out _, out _));   // the run ended before user space
        Assert.False(BochsStop.TryFindUserSpaceSpan([stops[0], stops[2]], out _, out _));   // no start mark
        Assert.False(BochsStop.TryFindUserSpaceSpan(BochsStop.Parse(null), out _, out _));
    }

    [Fact]
    public void AStopAfterAnInterruptHasNoReason()
    {
        string interrupted = "Next at t=60306891\n(0) [0x00000000ce39] 0008:000000000000ce39 (unk. ctxt): sub ecx, 0x00000001       ; 83e901\n";
        Assert.Equal(BochsStopReason.Other, Assert.Single(BochsStop.Parse(interrupted)).Reason);
    }
}
