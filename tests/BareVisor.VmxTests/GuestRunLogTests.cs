// Host side, no emulator. The parser of BareVisor's serial console after a guest run.
using System;
using System.Linq;
using BareVisor.Guests;
using BareVisor.VmxTests.Infrastructure;
using Xunit;

namespace BareVisor.VmxTests;

public sealed class GuestRunLogTests
{
    private static readonly string[] Sample =
    [
        "BareVisor 0.1.0 on x86-64",
        "vm real-cpuid: starting (real mode)",
        "guest real-cpuid: start: real mode, CPUID",
        "guest real-cpuid: PASS vendor-is-intel",
        "guest real-cpuid: FAIL vmx-hidden: expected 0x0 in bits 0x20, got 0x80000021",
        "guest real-cpuid: SKIP xsave: CPUID.1:ECX.XSAVE is clear",
        "[    1.234567] info  vm real-cpuid: stopped: powered off with status 0",
        "vm real-cpuid: exits: CPUID 8, IO_INSTRUCTION 1200, VMCALL 1",
        "vm bench: starting (protected mode)",
        "guest bench: BENCH cpuid 123",
        "guest bench: BENCH mmio-read 4567",
        "vm bench: stopped: powered off with status 0",
        "vm bench: exits:",
        "BareVisor: power off",
    ];

    [Fact]
    public void GroupsLinesByVmInOrder()
    {
        GuestRunLog log = GuestRunLog.Parse(Sample);
        Assert.Equal(["real-cpuid", "bench"], log.VmOrder);
        Assert.Equal(["BareVisor 0.1.0 on x86-64", "BareVisor: power off"], log.OtherLines);
        GuestRecord vm = log.For("real-cpuid");
        Assert.Equal(4, vm.GuestLines.Count);
        Assert.Equal(3, vm.VmLines.Count);
        Assert.Equal(1, vm.FirstLine);
        Assert.Equal(7, vm.LastLine);
        Assert.False(log.Has("nobody"));
        Assert.Empty(log.For("nobody").GuestLines);
    }

    [Fact]
    public void ReadsVerdicts()
    {
        GuestRecord vm = GuestRunLog.Parse(Sample).For("real-cpuid");
        Assert.True(vm.Passed("vendor-is-intel"));
        CheckResult fail = vm.Failures.Single();
        Assert.Equal("vmx-hidden", fail.Check);
        Assert.Equal("expected 0x0 in bits 0x20, got 0x80000021", fail.Detail);
        Assert.Equal(Verdict.Skip, vm.ResultsFor("xsave").Single().Verdict);
    }

    [Fact]
    public void ReadsStopsExitCountsAndBenchmarks()
    {
        GuestRunLog log = GuestRunLog.Parse(Sample);
        GuestRecord vm = log.For("real-cpuid");
        Assert.Equal(["powered off with status 0"], vm.Stops);
        Assert.Equal(8, vm.ExitCount("CPUID"));
        Assert.Equal(1200, vm.ExitCount("IO_INSTRUCTION"));
        Assert.Equal(0, vm.ExitCount("HLT"));
        Assert.Empty(log.For("bench").Exits);
        Assert.Equal([KeyValuePairOf("cpuid", 123), KeyValuePairOf("mmio-read", 4567)], log.For("bench").Benches);
    }

    [Fact]
    public void ExitNamesMatchAcrossSpellings()
    {
        GuestRecord vm = GuestRunLog.Parse(["vm x: exits: IoInstruction 5, EptViolation 2, CPUID 1"]).For("x");
        Assert.Equal(5, vm.ExitCount("IO_INSTRUCTION"));
        Assert.Equal(2, vm.ExitCount("EPT_VIOLATION"));
        Assert.Equal(1, vm.ExitCount("Cpuid"));
    }

    [Fact]
    public void ConfigurationReportLinesAreNotTheVms()
    {
        GuestRunLog log = GuestRunLog.Parse(
        [
            "[    0.32] info  config: vm platform: kernel platform.bin, 32 MiB, 1 vCPUs",
            "[    0.33] info  config: vm platform ready: Multiboot1 a.out kludge",
            "vm real-cpuid: starting (real mode)",
            "[    4.10] info  vm platform: starting (protected mode, Multiboot1 a.out kludge)",
        ]);
        Assert.Equal(["real-cpuid", "platform"], log.VmOrder);
        Assert.Equal(["starting (protected mode, Multiboot1 a.out kludge)"], log.For("platform").VmLines);
        Assert.Equal(2, log.OtherLines.Count);
    }

    [Fact]
    public void RejectsAMalformedExitsLine()
    {
        Assert.Throws<FormatException>(() => GuestRecord.ParseExits(" CPUID three"));
        Assert.Empty(GuestRecord.ParseExits(""));
    }

    [Theory]
    [InlineData("EPT violation at guest-physical 0x0000000040000000 (read): x", "EPT violation at guest-physical 0x40000000 (read): x", true)]
    [InlineData("port 0x6F0", "port 0x6f0", true)]
    [InlineData("status 0x0", "status 0x000", true)]
    [InlineData("0x40000000 (read)", "0x40000000 (write)", false)]
    public void StopReasonsCompareHexByValue(string a, string b, bool same) =>
        Assert.Equal(same, GuestRun.SameText(a, b));

    private static System.Collections.Generic.KeyValuePair<string, long> KeyValuePairOf(string name, long ticks) => new(name, ticks);
}
