// Which CPUID leaves and subleaves a guest can meaningfully ask, for the checks that compare what
// a guest is answered with CpuidPolicy applied to the CPU's own answers: every basic leaf up to the
// highest the CPU reports (and at least 0x1F, the range the exit stub's fast path covers), every
// extended leaf it reports, and for each the subleaves 0..7; leaf 0xD gets 0..63, one per XSAVE
// state component. Pure logic.
namespace BareVisor.Core.Cpu
{
    public static class CpuidLeafRange
    {
        public const uint FirstExtended = 0x80000000;
        public const uint LowestBasicMax = 0x1F;
        public const uint Subleaves = 8, XsaveSubleaves = 64;

        public static uint BasicMax(uint reported) => reported > LowestBasicMax ? reported : LowestBasicMax;

        // Extended leaves exist only when leaf 0x80000000 reports a maximum in their range.
        public static uint ExtendedCount(uint reported) => reported >= FirstExtended ? reported - FirstExtended + 1 : 0;

        public static uint SubleafCount(uint leaf) => leaf == 0xD ? XsaveSubleaves : Subleaves;
    }
}
