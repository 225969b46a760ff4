// Pure logic; no hardware. The privileged instructions Core needs; the kernel implements them in assembly, tests with fakes.
namespace BareVisor.Core.Cpu
{
    public interface ICpu
    {
        CpuidResult Cpuid(uint leaf, uint subleaf);

        /// <summary>RDMSR. Reading an MSR the CPU does not implement raises #GP: callers check CPUID first.</summary>
        ulong ReadMsr(uint msr);

        /// <summary>WRMSR.</summary>
        void WriteMsr(uint msr, ulong value);

        ulong ReadCr0();
        ulong ReadCr4();
    }
}
