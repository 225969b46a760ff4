// Host test code. The GDT and identity-map page tables the plans place in low guest memory.
using System;
using BareVisor.Core.Loaders;

namespace BareVisor.Core.Tests.Loaders
{
    public class BootTablesTests
    {
        private static (ulong Base, ulong Limit, int Type, bool Long, bool Default32) Decode(ulong d) =>
            ((d >> 16 & 0xFFFFFF) | (d >> 56 << 24),
             ((d & 0xFFFF) | (d >> 48 & 0xF) << 16) << 12 | 0xFFF,
             (int)(d >> 40 & 0xFF),
             (d >> 53 & 1) != 0,
             (d >> 54 & 1) != 0);

        [Fact]
        public void GdtHasFlatCodeAndDataAtTheLinuxBootSelectors()
        {
            byte[] gdt = BootTables.Gdt(longMode: false);
            Assert.Equal(32, gdt.Length);
            Assert.Equal(0UL, BitConverter.ToUInt64(gdt, 0));
            Assert.Equal(0UL, BitConverter.ToUInt64(gdt, 8));
            Assert.Equal((0UL, 0xFFFFFFFFUL, 0x9B, false, true), Decode(BitConverter.ToUInt64(gdt, BootAddresses.CodeSelector)));
            Assert.Equal((0UL, 0xFFFFFFFFUL, 0x93, false, true), Decode(BitConverter.ToUInt64(gdt, BootAddresses.DataSelector)));
            Assert.Equal((0UL, 0xFFFFFFFFUL, 0x9B, true, false), Decode(BitConverter.ToUInt64(BootTables.Gdt(longMode: true), BootAddresses.CodeSelector)));
            Assert.Equal(BootAddresses.GdtLimit, gdt.Length - 1);
        }

        [Theory]
        [InlineData(0UL)]
        [InlineData(0x1234567UL)]
        [InlineData(0x7FFFFFFFUL)]
        [InlineData(0xFEE00ABCUL)]
        [InlineData(0xFFFFFFFFUL)]
        public void PageTablesMapTheFirstFourGiBOntoThemselves(ulong linear)
        {
            byte[] tables = BootTables.IdentityPageTables();
            ulong Entry(ulong tableAddress, ulong index) =>
                BitConverter.ToUInt64(tables, (int)(tableAddress - BootAddresses.PageTables + index * 8));
            ulong pml4e = Entry(BootAddresses.PageTables, linear >> 39 & 511);
            Assert.Equal(3UL, pml4e & 0x83);
            ulong pdpte = Entry(pml4e & ~0xFFFUL, linear >> 30 & 511);
            Assert.Equal(3UL, pdpte & 0x83);
            ulong pde = Entry(pdpte & ~0xFFFUL, linear >> 21 & 511);
            Assert.Equal(0x83UL, pde & 0x83);
            Assert.Equal(linear, (pde & ~0x1FFFFFUL & 0xFFFFFFFFFFFFF) | (linear & 0x1FFFFF));
        }

        [Fact]
        public void PageTablesFillTheirReservedArea()
        {
            Assert.Equal((int)BootAddresses.PageTablesSize, BootTables.IdentityPageTables().Length);
            Assert.True(BootAddresses.PageTables + BootAddresses.PageTablesSize <= BootAddresses.Gdt);
            Assert.True(BootAddresses.Gdt + BootAddresses.GdtLimit < BootAddresses.StackBottom);
            Assert.True(BootAddresses.StackTop <= BootAddresses.BootInformation);
            Assert.True(BootAddresses.BootInformation + BootAddresses.BootInformationMaxSize <= BootAddresses.CommandLine);
        }
    }
}
