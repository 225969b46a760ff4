// Pure logic; no hardware. The 4 KiB MSR bitmap of the "use MSR bitmaps" control (Intel SDM Vol. 3C,
// "MSR-Bitmap Address"): read bitmap for MSRs 0..1FFFH at byte 0, for C0000000H..C0001FFFH at 400H,
// write bitmaps at 800H and C00H. A set bit makes RDMSR/WRMSR of that MSR exit; MSRs outside both
// ranges always exit. Runs anywhere; never allocates.
using System;

namespace BareVisor.Core.Vmx
{
    public ref struct MsrBitmap
    {
        public const int Size = 4096;

        private const uint LowLast = 0x0000_1FFF;
        private const uint HighFirst = 0xC000_0000;
        private const uint HighLast = 0xC000_1FFF;
        private const int ReadLowOffset = 0x000;
        private const int WriteLowOffset = 0x800;
        private const int HighOffsetDelta = 0x400;   // high-range bitmap follows its low-range one

        private readonly Span<byte> bits;

        /// <summary>Views the first 4096 bytes of page (a shorter span is a BareVisor bug and fails the bounds check).</summary>
        public MsrBitmap(Span<byte> page) { bits = page.Slice(0, Size); }

        /// <summary>Whether the bitmap can describe msr; any other MSR always exits.</summary>
        public static bool Covers(uint msr) => msr <= LowLast || (msr >= HighFirst && msr <= HighLast);

        /// <summary>Every RDMSR and WRMSR exits.</summary>
        public void InterceptAll() => bits.Fill(0xFF);

        /// <summary>No access to a covered MSR exits.</summary>
        public void PassThroughAll() => bits.Clear();

        /// <summary>RDMSR of msr exits. Always true: an uncovered MSR exits anyway.</summary>
        public bool InterceptRead(uint msr) => Set(msr, ReadLowOffset, true) || !Covers(msr);

        /// <summary>WRMSR of msr exits. Always true: an uncovered MSR exits anyway.</summary>
        public bool InterceptWrite(uint msr) => Set(msr, WriteLowOffset, true) || !Covers(msr);

        /// <summary>Both RDMSR and WRMSR of msr exit.</summary>
        public bool Intercept(uint msr) => InterceptRead(msr) & InterceptWrite(msr);

        /// <summary>RDMSR of msr runs in the guest; false (nothing changed) for an MSR the bitmap does not cover.</summary>
        public bool PassThroughRead(uint msr) => Set(msr, ReadLowOffset, false);

        /// <summary>WRMSR of msr runs in the guest; false (nothing changed) for an MSR the bitmap does not cover.</summary>
        public bool PassThroughWrite(uint msr) => Set(msr, WriteLowOffset, false);

        /// <summary>Both RDMSR and WRMSR of msr run in the guest; false for an MSR the bitmap does not cover.</summary>
        public bool PassThrough(uint msr) => PassThroughRead(msr) & PassThroughWrite(msr);

        public bool IsReadIntercepted(uint msr) => IsSet(msr, ReadLowOffset);

        public bool IsWriteIntercepted(uint msr) => IsSet(msr, WriteLowOffset);

        private bool Set(uint msr, int lowOffset, bool intercept)
        {
            if (!TryLocate(msr, lowOffset, out int index, out byte mask))
                return false;
            bits[index] = intercept ? (byte)(bits[index] | mask) : (byte)(bits[index] & ~mask);
            return true;
        }

        private bool IsSet(uint msr, int lowOffset) =>
            !TryLocate(msr, lowOffset, out int index, out byte mask) || (bits[index] & mask) != 0;

        // Byte index and bit mask of msr in the read (lowOffset 0) or write (800H) half.
        private static bool TryLocate(uint msr, int lowOffset, out int index, out byte mask)
        {
            index = 0;
            mask = 0;
            if (!Covers(msr))
                return false;
            uint number = msr & 0x1FFF;
            int offset = msr <= LowLast ? lowOffset : lowOffset + HighOffsetDelta;
            index = offset + (int)(number >> 3);
            mask = (byte)(1 << (int)(number & 7));
            return true;
        }
    }
}
