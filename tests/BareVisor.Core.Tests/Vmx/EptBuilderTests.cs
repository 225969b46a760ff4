// Host test code. EPT tables: mapping with 4 KiB / 2 MiB / 1 GiB pages, translation, splitting,
// unmapping, refusing bad requests, and the EPTP.
using BareVisor.Core.Memory;
using BareVisor.Core.Tests.Fakes;
using BareVisor.Core.Vmx;

namespace BareVisor.Core.Tests.Vmx
{
    public class EptBuilderTests
    {
        private const ulong KiB4 = 0x1000, MiB2 = 0x20_0000, GiB1 = 0x4000_0000;
        private const EptMemoryType Wb = EptMemoryType.WriteBack;

        private readonly PageTableStore store = new PageTableStore();

        private EptBuilder<FakePageTableMemory> NewBuilder(bool use2MiB = true, bool use1GiB = true)
        {
            EptBuilder<FakePageTableMemory> b = new EptBuilder<FakePageTableMemory>(new FakePageTableMemory(store));
            b.Use2MiBPages = use2MiB;
            b.Use1GiBPages = use1GiB;
            return b;
        }

        private static ulong Translate(ref EptBuilder<FakePageTableMemory> b, ulong gpa, EptAccess expectedAccess = EptAccess.All, EptMemoryType expectedType = Wb)
        {
            Assert.True(b.TryTranslate(new GuestPhysical(gpa), out HostPhysical hpa, out EptAccess access, out EptMemoryType type), "unmapped: 0x" + gpa.ToString("x"));
            Assert.Equal(expectedAccess, access);
            Assert.Equal(expectedType, type);
            return hpa.Value;
        }

        private static bool IsMapped(ref EptBuilder<FakePageTableMemory> b, ulong gpa) =>
            b.TryTranslate(new GuestPhysical(gpa), out _, out _, out _);

        private ulong Leaf(ref EptBuilder<FakePageTableMemory> b, ulong gpa, out int level)
        {
            ulong table = b.Root.Value;
            for (level = 4; ; level--)
            {
                ulong entry = store.Tables[table][(gpa >> (12 + 9 * (level - 1))) & 511];
                if (level == 1 || (entry & 0x80) != 0)
                    return entry;
                table = entry & 0x000F_FFFF_FFFF_F000;
            }
        }

        [Fact]
        public void Maps4KiBPagesWithAccessAndMemoryType()
        {
            EptBuilder<FakePageTableMemory> b = NewBuilder(false, false);
            Assert.True(b.TryMap(new GuestPhysical(0xFEE0_0000), new HostPhysical(0x1234_5000), 2 * KiB4, EptAccess.ReadWrite, EptMemoryType.Uncacheable));
            Assert.Equal(0x1234_5678UL, Translate(ref b, 0xFEE0_0678, EptAccess.ReadWrite, EptMemoryType.Uncacheable));
            Assert.Equal(0x1234_6FFFUL, Translate(ref b, 0xFEE0_1FFF, EptAccess.ReadWrite, EptMemoryType.Uncacheable));
            Assert.False(IsMapped(ref b, 0xFEE0_2000));
            Assert.Equal(4, store.Tables.Count);
            ulong leaf = Leaf(ref b, 0xFEE0_0000, out int level);
            Assert.Equal(1, level);
            Assert.Equal(0x1234_5000UL | 3 | (0UL << 3), leaf);
        }

        [Fact]
        public void LeafEntryLayout()
        {
            EptBuilder<FakePageTableMemory> b = NewBuilder();
            Assert.True(b.TryMap(new GuestPhysical(0), new HostPhysical(0x8000_0000), MiB2, EptAccess.All, Wb, ignorePat: true));
            ulong leaf = Leaf(ref b, 0, out int level);
            Assert.Equal(2, level);
            // address | RWX | WB << 3 | ignore PAT | large page
            Assert.Equal(0x8000_0000UL | 7 | (6UL << 3) | (1UL << 6) | (1UL << 7), leaf);
            // Non-leaf entries allow everything.
            Assert.Equal(7UL, store.Tables[b.Root.Value][0] & 7);
        }

        [Fact]
        public void UsesLargePagesOnlyWhenAllowedAndAligned()
        {
            EptBuilder<FakePageTableMemory> b = NewBuilder();
            // [1 GiB - 2 MiB, 2 GiB + 2 MiB + 4 KiB): 2 MiB, then 1 GiB, then 2 MiB, then 4 KiB.
            Assert.True(b.TryMap(new GuestPhysical(GiB1 - MiB2), new HostPhysical(GiB1 - MiB2), GiB1 + 2 * MiB2 + KiB4, EptAccess.All, Wb));
            Leaf(ref b, GiB1 - 1, out int level);
            Assert.Equal(2, level);
            Leaf(ref b, GiB1 + 12345, out level);
            Assert.Equal(3, level);
            Leaf(ref b, 2 * GiB1 + 5, out level);
            Assert.Equal(2, level);
            Leaf(ref b, 2 * GiB1 + MiB2, out level);
            Assert.Equal(1, level);
            for (ulong gpa = GiB1 - MiB2; gpa < 2 * GiB1 + 2 * MiB2; gpa += MiB2)
                Assert.Equal(gpa + 0x123, Translate(ref b, gpa + 0x123));
        }

        [Theory]
        [InlineData(false, false, 1)]
        [InlineData(true, false, 2)]
        [InlineData(false, true, 1)]   // 1 GiB pages need 2 MiB pages too
        [InlineData(true, true, 3)]
        public void PageSizeFlagsDecideTheLeafLevel(bool use2MiB, bool use1GiB, int expectedLevel)
        {
            EptBuilder<FakePageTableMemory> b = NewBuilder(use2MiB, use1GiB);
            Assert.True(b.TryMap(new GuestPhysical(GiB1), new HostPhysical(3 * GiB1), GiB1, EptAccess.All, Wb));
            Leaf(ref b, GiB1 + 5 * MiB2, out int level);
            Assert.Equal(expectedLevel, level);
            Assert.Equal(3 * GiB1 + 5 * MiB2 + 9, Translate(ref b, GiB1 + 5 * MiB2 + 9));
        }

        [Fact]
        public void A4KiBMappingSplitsA1GiBPageAndKeepsTheRest()
        {
            EptBuilder<FakePageTableMemory> b = NewBuilder();
            Assert.True(b.TryMap(new GuestPhysical(0), new HostPhysical(0), GiB1, EptAccess.All, Wb, ignorePat: true));
            Assert.True(b.TryMap(new GuestPhysical(0x3FE0_1000), new HostPhysical(0x7700_0000), KiB4, EptAccess.Read, EptMemoryType.Uncacheable));
            Assert.Equal(0x7700_0004UL, Translate(ref b, 0x3FE0_1004, EptAccess.Read, EptMemoryType.Uncacheable));
            // The rest still maps identically, with the original attributes.
            Assert.Equal(0x3FE0_0FFFUL, Translate(ref b, 0x3FE0_0FFF));
            Assert.Equal(0x3FE0_2000UL, Translate(ref b, 0x3FE0_2000));
            Assert.Equal(0x1234_5678UL, Translate(ref b, 0x1234_5678));
            Leaf(ref b, 0x1234_5678, out int level);
            Assert.Equal(2, level);   // the 1 GiB page became 2 MiB pages
            ulong split = Leaf(ref b, 0x3FE0_2000, out level);
            Assert.Equal(1, level);
            Assert.Equal(0x3FE0_2000UL | 7 | (6UL << 3) | (1UL << 6), split);   // no page-size bit in a PTE
        }

        [Fact]
        public void UnmapRemovesPagesAndSplitsPartlyRemovedLargePages()
        {
            EptBuilder<FakePageTableMemory> b = NewBuilder();
            Assert.True(b.TryMap(new GuestPhysical(0), new HostPhysical(0x4000_0000), 4 * MiB2, EptAccess.All, Wb));
            Assert.True(b.TryUnmap(new GuestPhysical(MiB2 + KiB4), KiB4));
            Assert.False(IsMapped(ref b, MiB2 + KiB4));
            Assert.Equal(0x4000_0000 + MiB2, Translate(ref b, MiB2));
            Assert.Equal(0x4000_0000 + MiB2 + 2 * KiB4, Translate(ref b, MiB2 + 2 * KiB4));
            Assert.True(b.TryUnmap(new GuestPhysical(2 * MiB2), 2 * MiB2));
            Assert.False(IsMapped(ref b, 2 * MiB2));
            Assert.False(IsMapped(ref b, 4 * MiB2 - 1));
            Assert.True(IsMapped(ref b, 0));
            // Unmapping what is not mapped is fine.
            Assert.True(b.TryUnmap(new GuestPhysical(100 * GiB1), GiB1));
        }

        [Fact]
        public void RemappingReplacesTheOldMapping()
        {
            EptBuilder<FakePageTableMemory> b = NewBuilder();
            Assert.True(b.TryMap(new GuestPhysical(0xA0000), new HostPhysical(0xA0000), 0x20000, EptAccess.All, Wb));
            Assert.True(b.TryMap(new GuestPhysical(0xA0000), new HostPhysical(0x5000_0000), 0x20000, EptAccess.ReadExecute, EptMemoryType.WriteCombining));
            Assert.Equal(0x5001_0010UL, Translate(ref b, 0xB0010, EptAccess.ReadExecute, EptMemoryType.WriteCombining));
        }

        [Fact]
        public void ALargeMappingOverExistingTablesUsesSmallerPages()
        {
            EptBuilder<FakePageTableMemory> b = NewBuilder();
            Assert.True(b.TryMap(new GuestPhysical(KiB4), new HostPhysical(KiB4), KiB4, EptAccess.Read, Wb));
            Assert.True(b.TryMap(new GuestPhysical(0), new HostPhysical(0x8000_0000), MiB2, EptAccess.All, Wb));
            Leaf(ref b, 0, out int level);
            Assert.Equal(1, level);   // the page table already there is reused, not orphaned
            Assert.Equal(0x8000_1000UL, Translate(ref b, KiB4));
            Assert.Equal(0x801F_F000UL, Translate(ref b, MiB2 - KiB4));
        }

        [Theory]
        [InlineData(0x1001UL, 0x2000UL, 0x1000UL, EptAccess.All, EptMemoryType.WriteBack)]           // misaligned guest
        [InlineData(0x1000UL, 0x2001UL, 0x1000UL, EptAccess.All, EptMemoryType.WriteBack)]           // misaligned host
        [InlineData(0x1000UL, 0x2000UL, 0UL, EptAccess.All, EptMemoryType.WriteBack)]                // empty
        [InlineData(0x1000UL, 0x2000UL, 0x1800UL, EptAccess.All, EptMemoryType.WriteBack)]           // partial page
        [InlineData(0xFFFF_FFFF_F000UL, 0x2000UL, 0x2000UL, EptAccess.All, EptMemoryType.WriteBack)] // past 2^48
        [InlineData(0x1000UL, 0xF_FFFF_FFFF_F000UL, 0x2000UL, EptAccess.All, EptMemoryType.WriteBack)] // host past 2^52
        [InlineData(0x1000UL, 0x2000UL, 0x1000UL, EptAccess.None, EptMemoryType.WriteBack)]          // no access
        [InlineData(0x1000UL, 0x2000UL, 0x1000UL, EptAccess.Write, EptMemoryType.WriteBack)]         // write without read
        [InlineData(0x1000UL, 0x2000UL, 0x1000UL, EptAccess.Write | EptAccess.Execute, EptMemoryType.WriteBack)]
        [InlineData(0x1000UL, 0x2000UL, 0x1000UL, EptAccess.Execute, EptMemoryType.WriteBack)]       // execute-only not allowed
        [InlineData(0x1000UL, 0x2000UL, 0x1000UL, (EptAccess)8, EptMemoryType.WriteBack)]
        [InlineData(0x1000UL, 0x2000UL, 0x1000UL, EptAccess.All, (EptMemoryType)2)]                  // reserved type
        [InlineData(0x1000UL, 0x2000UL, 0x1000UL, EptAccess.All, (EptMemoryType)7)]
        public void BadRequestsAreRefusedAndChangeNothing(ulong gpa, ulong hpa, ulong size, EptAccess access, EptMemoryType type)
        {
            EptBuilder<FakePageTableMemory> b = NewBuilder();
            Assert.False(b.TryMap(new GuestPhysical(gpa), new HostPhysical(hpa), size, access, type));
            Assert.Single(store.Tables);
            Assert.Equal(0UL, store.Tables[b.Root.Value][0]);
        }

        [Fact]
        public void ExecuteOnlyNeedsTheCapability()
        {
            EptBuilder<FakePageTableMemory> b = NewBuilder();
            b.UseCapabilities(new Ia32VmxEptVpidCap(0x0000_0f01_0633_4141)); // Bochs corei7_skylake_x
            Assert.True(b.AllowExecuteOnly && b.Use2MiBPages && b.Use1GiBPages);
            Assert.True(b.TryMap(new GuestPhysical(0x1000), new HostPhysical(0x2000), 0x1000, EptAccess.Execute, Wb));
            Assert.Equal(0x2000UL, Translate(ref b, 0x1000, EptAccess.Execute));
        }

        [Fact]
        public void BadUnmapAndTranslateRequestsFailSoftly()
        {
            EptBuilder<FakePageTableMemory> b = NewBuilder();
            Assert.False(b.TryUnmap(new GuestPhysical(0x1001), 0x1000));
            Assert.False(b.TryUnmap(new GuestPhysical(0x1000), 0));
            Assert.False(b.TryUnmap(new GuestPhysical(EptBuilder<FakePageTableMemory>.GuestPhysicalLimit), 0x1000));
            Assert.False(IsMapped(ref b, ulong.MaxValue));
        }

        [Fact]
        public void EptpEncodesRootWalkLengthMemoryTypeAndAccessedDirty()
        {
            EptBuilder<FakePageTableMemory> b = NewBuilder();
            Assert.Equal(b.Root.Value | 0x1E, b.Eptp(false));
            Assert.Equal(b.Root.Value | 0x5E, b.Eptp(true));
        }

        [Fact]
        public void CapabilityBitsOfBochsSkylake()
        {
            Ia32VmxEptVpidCap cap = new Ia32VmxEptVpidCap(0x0000_0f01_0633_4141);
            Assert.True(cap.PageWalkLength4);
            Assert.True(cap.WriteBackEptp && cap.UncacheableEptp);
            Assert.True(cap.Pde2MiBPages && cap.Pdpte1GiBPages);
            Assert.True(cap.Invept && cap.InveptSingleContext && cap.InveptAllContext);
            Assert.True(cap.AccessedDirtyFlags);
            Assert.False(cap.AdvancedExitInformation);
            Assert.True(cap.Invvpid && cap.InvvpidIndividualAddress && cap.InvvpidSingleContext);
            Assert.True(cap.InvvpidAllContext && cap.InvvpidSingleContextRetainingGlobals);
        }
    }
}
