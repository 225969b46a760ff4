// Pure logic; no hardware. The four registers CPUID returns.
namespace BareVisor.Core.Cpu
{
    public struct CpuidResult
    {
        public uint Eax;
        public uint Ebx;
        public uint Ecx;
        public uint Edx;

        public CpuidResult(uint eax, uint ebx, uint ecx, uint edx)
        {
            Eax = eax;
            Ebx = ebx;
            Ecx = ecx;
            Edx = edx;
        }
    }
}
