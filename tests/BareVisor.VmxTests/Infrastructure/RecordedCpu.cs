// Host side. The CPU of a Bochs run as BareVisor saw it: its own CPUID answers (the kernel's
// "cpuid: host LEAF SUBLEAF EAX EBX ECX EDX" lines at loglevel=debug) and the TSC rate of the
// boot report, as the IGuestPlatform CpuidPolicy reads. CpuidPolicy uses nothing else, so the
// rest refuses to be used.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.RegularExpressions;
using BareVisor.Core.Cpu;
using BareVisor.Core.Devices;
using BareVisor.Core.Memory;
using BareVisor.Core.Vmx.Exits;

namespace BareVisor.VmxTests.Infrastructure;

public readonly struct RecordedCpu : IGuestPlatform
{
    private static readonly Regex HostLine = new(
        @"cpuid: host 0x(?<leaf>[0-9a-f]{8}) 0x(?<subleaf>[0-9a-f]{8}) 0x(?<eax>[0-9a-f]{8}) 0x(?<ebx>[0-9a-f]{8}) 0x(?<ecx>[0-9a-f]{8}) 0x(?<edx>[0-9a-f]{8})$",
        RegexOptions.Compiled);

    private static readonly Regex ClockLine = new(@"clock: TSC at (?<mhz>\d+) MHz", RegexOptions.Compiled);

    private readonly IReadOnlyDictionary<(uint Leaf, uint Subleaf), CpuidResult> answers;

    private RecordedCpu(IReadOnlyDictionary<(uint, uint), CpuidResult> answers, ulong tscHz)
    {
        this.answers = answers;
        TscHz = tscHz;
    }

    /// <summary>From the kernel's own log lines; throws when it printed no CPUID or clock line.</summary>
    public static RecordedCpu FromLog(IEnumerable<string> kernelLines)
    {
        var answers = new Dictionary<(uint, uint), CpuidResult>();
        ulong tscHz = 0;
        foreach (string line in kernelLines)
        {
            Match m = HostLine.Match(line);
            if (m.Success)
                answers[(Hex(m, "leaf"), Hex(m, "subleaf"))] = new CpuidResult(Hex(m, "eax"), Hex(m, "ebx"), Hex(m, "ecx"), Hex(m, "edx"));
            Match clock = ClockLine.Match(line);
            if (clock.Success)
                tscHz = ulong.Parse(clock.Groups["mhz"].Value, CultureInfo.InvariantCulture) * 1000000;
        }
        if (answers.Count == 0 || tscHz == 0)
            throw new InvalidOperationException($"the kernel printed {answers.Count} 'cpuid: host' lines and {(tscHz == 0 ? "no" : "a")} 'clock: TSC at' line");
        return new RecordedCpu(answers, tscHz);
    }

    public IReadOnlyCollection<(uint Leaf, uint Subleaf)> Asked => (IReadOnlyCollection<(uint, uint)>)answers.Keys;

    public CpuidResult HostCpuid(uint leaf, uint subleaf) =>
        answers.TryGetValue((leaf, subleaf), out CpuidResult r)
            ? r
            : throw new KeyNotFoundException($"the kernel printed no host CPUID for leaf 0x{leaf:x} subleaf 0x{subleaf:x}");

    public ulong TscHz { get; }

    public ulong ReadTsc() => throw Unused();

    public bool TryReadGuestMemory(GuestPhysical address, Span<byte> destination) => throw Unused();

    public bool TryWriteGuestMemory(GuestPhysical address, ReadOnlySpan<byte> source) => throw Unused();

    public void GuestOutput(ReadOnlySpan<byte> text) => throw Unused();

    public void Log(string message) => throw Unused();

    public void HostNmi() => throw Unused();

    public uint PortRead(ushort port, int size) => throw Unused();

    public void PortWrite(ushort port, int size, uint value) => throw Unused();

    public MmioBus Mmio => throw Unused();

    public PcPlatform Devices => throw Unused();

    public ulong NowNanoseconds => throw Unused();

    private static InvalidOperationException Unused() => new("CpuidPolicy asked the recorded CPU for something other than CPUID and the TSC rate");

    private static uint Hex(Match m, string group) => uint.Parse(m.Groups[group].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}
