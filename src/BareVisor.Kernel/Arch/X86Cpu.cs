// Core's ICpu on the real processor. A struct, so generic Core code that takes it is compiled
// with direct calls. An MSR access that raises #GP is a kernel bug or a lying CPUID, and is
// reported by name rather than left to a bare exception report.
using BareVisor.Core.Cpu;
using BareVisor.Core.Text;
using BareVisor.Kernel.Diagnostics;

namespace BareVisor.Kernel.Arch
{
    internal unsafe struct X86Cpu : ICpu
    {
        public CpuidResult Cpuid(uint leaf, uint subleaf)
        {
            CpuidResult result;
            Native.Cpuid(leaf, subleaf, &result);
            return result;
        }

        public ulong ReadMsr(uint msr)
        {
            ulong value;
            if (!Native.TryReadMsr(msr, &value))
                Panic.Fatal(Messages.WithHex("RDMSR of MSR ", msr, " raised #GP"));
            return value;
        }

        public void WriteMsr(uint msr, ulong value)
        {
            if (!Native.TryWriteMsr(msr, value))
                Panic.Fatal(Messages.WithHex("WRMSR of MSR ", msr, " raised #GP"));
        }

        public ulong ReadCr0() => Native.ReadCr0();

        public ulong ReadCr4() => Native.ReadCr4();
    }
}
