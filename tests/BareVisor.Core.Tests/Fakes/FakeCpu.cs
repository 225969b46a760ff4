// Host test code. A CPU whose CPUID leaves and MSRs are table entries; an MSR it lacks fails the test (#GP).
using System.Collections.Generic;
using BareVisor.Core.Cpu;

namespace BareVisor.Core.Tests.Fakes
{
    public sealed class FakeCpuState
    {
        public readonly Dictionary<uint, CpuidResult> Leaves = new Dictionary<uint, CpuidResult>();
        public readonly Dictionary<uint, ulong> Msrs = new Dictionary<uint, ulong>();
        public readonly List<(uint Msr, ulong Value)> Writes = new List<(uint, ulong)>();
        public readonly List<uint> Reads = new List<uint>();

        /// <summary>When set, writes to IA32_FEATURE_CONTROL are dropped (a buggy platform).</summary>
        public bool IgnoreWrites;
    }

    public struct FakeCpu : ICpu
    {
        public readonly FakeCpuState State;

        public FakeCpu(FakeCpuState state) { State = state; }

        public CpuidResult Cpuid(uint leaf, uint subleaf) =>
            State.Leaves.TryGetValue(leaf, out CpuidResult r) ? r : default;

        public ulong ReadMsr(uint msr)
        {
            State.Reads.Add(msr);
            Assert.True(State.Msrs.ContainsKey(msr), "RDMSR of an MSR this CPU lacks (#GP): 0x" + msr.ToString("x"));
            return State.Msrs[msr];
        }

        public void WriteMsr(uint msr, ulong value)
        {
            Assert.True(State.Msrs.ContainsKey(msr), "WRMSR of an MSR this CPU lacks (#GP): 0x" + msr.ToString("x"));
            State.Writes.Add((msr, value));
            if (!State.IgnoreWrites)
                State.Msrs[msr] = value;
        }

        public ulong ReadCr0() => 0x80000033;
        public ulong ReadCr4() => 0x20;
    }
}
