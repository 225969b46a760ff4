// Host test code. The guest page walker over page tables built in a fake guest RAM, for each
// paging mode and page size, plus the fetch of an instruction that straddles two pages.
using System;
using BareVisor.Core.Memory;
using BareVisor.Core.Vmx.Mmio;

namespace BareVisor.Core.Tests.Vmx.Mmio
{
    public class GuestPageWalkerTests
    {
        private const ulong P = 1, W = 2, PS = 0x80;
        private const ulong Cr0Pg = 1UL << 31 | 1, Cr4Pse = 1 << 4, Cr4Pae = 1 << 5, Cr4La57 = 1 << 12, EferLma = 1 << 10 | 1 << 8;

        private static MmioTestPlatform Platform() => new MmioTestPlatform(0x100000);

        private static bool Translate(MmioTestPlatform platform, GuestPagingState state, ulong linear, out ulong physical)
        {
            bool ok = GuestPageWalker.TryTranslate(ref platform, state, linear, out GuestPhysical address);
            physical = address.Value;
            return ok;
        }

        [Fact]
        public void Without_paging_linear_is_physical()
        {
            GuestPagingState state = new GuestPagingState { Cr0 = 1 };
            Assert.True(Translate(Platform(), state, 0xFEC00123, out ulong physical));
            Assert.Equal(0xFEC00123UL, physical);
            Assert.Equal(GuestPagingMode.None, GuestPageWalker.ModeOf(state));
        }

        [Fact]
        public void Four_level_paging_with_4K_2M_and_1G_pages()
        {
            MmioTestPlatform platform = Platform();
            // PML4 at 0x1000; PML4[511] -> PDPT 0x2000; PDPT[510] -> PD 0x3000; PD[0] -> PT 0x4000.
            platform.Write64(0x1000 + 511 * 8, 0x2000 | P | W);
            platform.Write64(0x2000 + 510 * 8, 0x3000 | P | W);
            platform.Write64(0x3000 + 0 * 8, 0x4000 | P | W);
            platform.Write64(0x4000 + 5 * 8, 0x0000_0012_3456_7000UL | P | (1UL << 63));     // NX is not part of the address
            platform.Write64(0x3000 + 1 * 8, 0x0000_0000_4060_0000UL | P | PS);              // 2 MiB
            platform.Write64(0x2000 + 511 * 8, 0x0000_0001_C000_0000UL | P | PS);            // 1 GiB
            GuestPagingState state = new GuestPagingState { Cr0 = Cr0Pg, Cr3 = 0x1000, Cr4 = Cr4Pae, Efer = EferLma };
            Assert.Equal(GuestPagingMode.Level4, GuestPageWalker.ModeOf(state));
            ulong base4K = 0xFFFF_FFFF_8000_0000UL;                                          // PML4 511, PDPT 510
            Assert.True(Translate(platform, state, base4K + 5 * 0x1000 + 0xABC, out ulong physical));
            Assert.Equal(0x0000_0012_3456_7ABCUL, physical);
            Assert.True(Translate(platform, state, base4K + 0x20_0000 + 0x12345, out physical));
            Assert.Equal(0x4060_0000UL + 0x12345, physical);
            Assert.True(Translate(platform, state, 0xFFFF_FFFF_C000_0000UL + 0x1234_5678, out physical));
            Assert.Equal(0x1_C000_0000UL + 0x1234_5678, physical);
            Assert.False(Translate(platform, state, base4K + 6 * 0x1000, out _));            // PTE not present
            Assert.False(Translate(platform, state, 0x1000, out _));                         // PML4[0] not present
        }

        [Fact]
        public void Five_level_paging_adds_a_level_above_PML4()
        {
            MmioTestPlatform platform = Platform();
            platform.Write64(0x1000 + 1 * 8, 0x2000 | P);            // PML5[1]
            platform.Write64(0x2000 + 0 * 8, 0x3000 | P);            // PML4[0]
            platform.Write64(0x3000 + 0 * 8, 0x4000 | P);            // PDPT[0]
            platform.Write64(0x4000 + 0 * 8, 0x0060_0000 | P | PS);  // PD[0]: 2 MiB
            GuestPagingState state = new GuestPagingState { Cr0 = Cr0Pg, Cr3 = 0x1000, Cr4 = Cr4Pae | Cr4La57, Efer = EferLma };
            Assert.Equal(GuestPagingMode.Level5, GuestPageWalker.ModeOf(state));
            Assert.True(Translate(platform, state, (1UL << 48) + 0x1234, out ulong physical));
            Assert.Equal(0x60_1234UL, physical);
        }

        [Fact]
        public void PAE_paging_starts_from_the_PDPTEs_in_the_state()
        {
            MmioTestPlatform platform = Platform();
            platform.Write64(0x3000 + 2 * 8, 0x4000 | P);            // PD[2] -> PT
            platform.Write64(0x4000 + 3 * 8, 0x0009_8000 | P);       // PT[3]
            platform.Write64(0x3000 + 4 * 8, 0x00C0_0000 | P | PS);  // PD[4]: 2 MiB
            GuestPagingState state = new GuestPagingState { Cr0 = Cr0Pg, Cr3 = 0x5000, Cr4 = Cr4Pae, Pdpte3 = 0x3000 | P };
            Assert.Equal(GuestPagingMode.Pae, GuestPageWalker.ModeOf(state));
            Assert.True(Translate(platform, state, 0xC000_0000UL + 2 * 0x20_0000 + 3 * 0x1000 + 0x77, out ulong physical));
            Assert.Equal(0x9_8077UL, physical);
            Assert.True(Translate(platform, state, 0xC000_0000UL + 4 * 0x20_0000 + 0x1_2345, out physical));
            Assert.Equal(0xC1_2345UL, physical);
            Assert.False(Translate(platform, state, 0x4000_0000UL, out _));                  // PDPTE1 not present
        }

        [Fact]
        public void Bits32_paging_with_4K_pages_and_4M_pages_under_PSE()
        {
            MmioTestPlatform platform = Platform();
            platform.Write32(0x1000 + 0x3FF * 4, 0x2000 | P);                  // PDE 1023 -> PT
            platform.Write32(0x2000 + 0x3FF * 4, 0x0007_7000 | P);             // PTE 1023
            platform.Write32(0x1000 + 1 * 4, 0x0080_0000 | P | PS | (0x3 << 13)); // 4 MiB page with PSE-36 bits 33:32 = 3
            GuestPagingState state = new GuestPagingState { Cr0 = Cr0Pg, Cr3 = 0x1000, Cr4 = Cr4Pse };
            Assert.Equal(GuestPagingMode.Bits32, GuestPageWalker.ModeOf(state));
            Assert.True(Translate(platform, state, 0xFFFF_F123, out ulong physical));
            Assert.Equal(0x7_7123UL, physical);
            Assert.True(Translate(platform, state, 0x0040_0000 + 0x12_3456, out physical));
            Assert.Equal(0x3_0092_3456UL, physical);
            state.Cr4 = 0;                                                      // PS ignored without CR4.PSE
            Assert.False(Translate(platform, state, 0x0040_0000, out _));       // ... so the PDE is read as a page-table pointer (outside RAM)
        }

        [Fact]
        public void Page_tables_outside_guest_RAM_fail_the_walk()
        {
            GuestPagingState state = new GuestPagingState { Cr0 = Cr0Pg, Cr3 = 0xFFF0_0000, Cr4 = Cr4Pae, Efer = EferLma };
            Assert.False(Translate(Platform(), state, 0x1000, out _));
        }

        [Fact]
        public void A_fetch_straddling_two_pages_translates_each_page()
        {
            MmioTestPlatform platform = Platform();
            platform.Write32(0x1000 + 0, 0x2000 | P);
            platform.Write32(0x2000 + 0, 0x9000 | P);      // linear 0x0000 -> 0x9000
            platform.Write32(0x2000 + 4, 0x5000 | P);      // linear 0x1000 -> 0x5000
            platform.Ram[0x9FFE] = 0x8B;
            platform.Ram[0x9FFF] = 0x05;
            platform.Ram[0x5000] = 0xAA;
            GuestPagingState state = new GuestPagingState { Cr0 = Cr0Pg, Cr3 = 0x1000 };
            Span<byte> bytes = stackalloc byte[15];
            int count = GuestInstructionFetch.Fetch(ref platform, state, 0x0FFE, true, bytes);
            Assert.Equal(15, count);
            Assert.Equal(new byte[] { 0x8B, 0x05, 0xAA }, bytes.Slice(0, 3).ToArray());
            // The second page unmapped: the fetch stops at the page boundary.
            platform.Write32(0x2000 + 4, 0);
            Assert.Equal(2, GuestInstructionFetch.Fetch(ref platform, state, 0x0FFE, true, bytes));
        }
    }
}
