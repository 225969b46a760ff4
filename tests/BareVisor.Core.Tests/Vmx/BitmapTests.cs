// Host test code. MSR bitmap and I/O bitmaps: layout per the SDM and the always-exit rules.
using System;
using BareVisor.Core.Vmx;

namespace BareVisor.Core.Tests.Vmx
{
    public class BitmapTests
    {
        [Fact]
        public void MsrBitmapLayout()
        {
            byte[] page = new byte[4096];
            MsrBitmap bitmap = new MsrBitmap(page);
            Assert.True(bitmap.InterceptRead(0x1B));                  // IA32_APIC_BASE, low read: byte 3 bit 3
            Assert.True(bitmap.InterceptWrite(0x1B));                 // low write at 800H
            Assert.True(bitmap.InterceptRead(0xC000_0080));           // IA32_EFER, high read at 400H + 10H
            Assert.True(bitmap.InterceptWrite(0xC000_1FFF));          // last high MSR, write at C00H + 3FFH bit 7
            Assert.Equal(0x08, page[0x003]);
            Assert.Equal(0x08, page[0x803]);
            Assert.Equal(0x01, page[0x410]);
            Assert.Equal(0x80, page[0xFFF]);
            Assert.Equal(4, CountSetBits(page));
        }

        [Fact]
        public void MsrBitmapQueriesAndPassThrough()
        {
            byte[] page = new byte[4096];
            MsrBitmap bitmap = new MsrBitmap(page);
            bitmap.InterceptAll();
            Assert.True(bitmap.IsReadIntercepted(0x10));
            Assert.True(bitmap.PassThrough(0x10));                    // IA32_TIME_STAMP_COUNTER
            Assert.False(bitmap.IsReadIntercepted(0x10));
            Assert.False(bitmap.IsWriteIntercepted(0x10));
            Assert.True(bitmap.IsReadIntercepted(0x11));
            Assert.True(bitmap.PassThroughRead(0xC000_0100));         // FS base: reads run, writes exit
            Assert.False(bitmap.IsReadIntercepted(0xC000_0100));
            Assert.True(bitmap.IsWriteIntercepted(0xC000_0100));
            bitmap.PassThroughAll();
            Assert.False(bitmap.IsWriteIntercepted(0xC000_0100));
            Assert.True(bitmap.Intercept(0x1FFF));
            Assert.True(bitmap.IsReadIntercepted(0x1FFF) && bitmap.IsWriteIntercepted(0x1FFF));
        }

        [Theory]
        [InlineData(0x2000u)]
        [InlineData(0xBFFF_FFFFu)]
        [InlineData(0xC000_2000u)]
        [InlineData(0x4000_0000u)]   // hypervisor range: never covered
        [InlineData(0xFFFF_FFFFu)]
        public void MsrsOutsideBothRangesAlwaysExit(uint msr)
        {
            byte[] page = new byte[4096];
            MsrBitmap bitmap = new MsrBitmap(page);
            Assert.False(MsrBitmap.Covers(msr));
            Assert.True(bitmap.IsReadIntercepted(msr));
            Assert.True(bitmap.IsWriteIntercepted(msr));
            Assert.False(bitmap.PassThrough(msr));
            Assert.False(bitmap.PassThroughRead(msr));
            Assert.True(bitmap.InterceptWrite(msr));
            Assert.Equal(0, CountSetBits(page));
        }

        [Fact]
        public void IoBitmapsSplitPortsBetweenAAndB()
        {
            byte[] a = new byte[4096], b = new byte[4096];
            IoBitmaps io = new IoBitmaps(a, b);
            Assert.True(io.Intercept(0x3F8, 8));                      // COM1: A, byte 7FH, all 8 bits
            Assert.True(io.Intercept(0x7FFF));                        // last port of A
            Assert.True(io.Intercept(0x8000));                        // first port of B
            Assert.True(io.Intercept(0xCF8, 4));
            Assert.True(io.Intercept(0xFFFF));
            Assert.Equal(0xFF, a[0x7F]);
            Assert.Equal(0x80, a[0xFFF]);
            Assert.Equal(0x01, b[0x000]);
            Assert.Equal(0x80, b[0xFFF]);
            Assert.Equal(0x0F, a[0x19F]);
            Assert.Equal(8 + 1 + 4, CountSetBits(a));
            Assert.Equal(2, CountSetBits(b));
        }

        [Fact]
        public void IoAccessesExitWhenAnyTouchedPortIsIntercepted()
        {
            byte[] a = new byte[4096], b = new byte[4096];
            IoBitmaps io = new IoBitmaps(a, b);
            io.Intercept(0x71);
            Assert.True(io.IsIntercepted(0x71));
            Assert.False(io.IsIntercepted(0x70));
            Assert.True(io.IsIntercepted(0x70, 2));                   // a word access at 70H touches 71H
            Assert.True(io.IsIntercepted(0x6E, 4));
            Assert.False(io.IsIntercepted(0x6C, 4));
            Assert.True(io.IsIntercepted(0xFFFF, 2));                 // wraps: always exits
            Assert.True(io.IsIntercepted(0xFFFE, 4));
            Assert.False(io.IsIntercepted(0xFFFC, 4));
            io.InterceptAll();
            Assert.True(io.PassThrough(0x7FFE, 4));                   // spans A and B
            Assert.False(io.IsIntercepted(0x7FFE, 4));
            Assert.True(io.IsIntercepted(0x8002));
            io.PassThroughAll();
            Assert.Equal(0, CountSetBits(a) + CountSetBits(b));
        }

        [Theory]
        [InlineData(0x10000u, 1u)]
        [InlineData(0xFFFFu, 2u)]
        [InlineData(0x100u, 0u)]
        [InlineData(0u, 0x10001u)]
        public void BadPortRangesAreRefused(uint port, uint count)
        {
            byte[] a = new byte[4096], b = new byte[4096];
            IoBitmaps io = new IoBitmaps(a, b);
            Assert.False(io.Intercept(port, count));
            Assert.False(io.PassThrough(port, count));
            Assert.Equal(0, CountSetBits(a) + CountSetBits(b));
        }

        [Fact]
        public void WholePortSpaceCanBeInterceptedInOneCall()
        {
            byte[] a = new byte[4096], b = new byte[4096];
            IoBitmaps io = new IoBitmaps(a, b);
            Assert.True(io.Intercept(0, 0x10000));
            Assert.Equal(0x10000, CountSetBits(a) + CountSetBits(b));
        }

        private static int CountSetBits(byte[] bytes)
        {
            int count = 0;
            foreach (byte value in bytes)
                count += System.Numerics.BitOperations.PopCount(value);
            return count;
        }
    }
}
