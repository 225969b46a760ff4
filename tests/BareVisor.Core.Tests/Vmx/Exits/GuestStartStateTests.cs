// Host test code. The state a guest starts in, checked against the VM-entry checks on the guest-state
// area (SDM Vol. 3C 27.3.1, with "unrestricted guest" and "load IA32_EFER/IA32_PAT") that the
// fields can break, plus the values each mode promises.
using System.Collections.Generic;
using BareVisor.Core.Guests;
using BareVisor.Core.Tests.Fakes;
using BareVisor.Core.Vmx;
using BareVisor.Core.Vmx.Exits;

namespace BareVisor.Core.Tests.Vmx.Exits
{
    public class GuestStartStateTests
    {
        private const ulong Pe = 1, Et = 0x10, Ne = 0x20, Wp = 1UL << 16, Pg = 1UL << 31;
        private const ulong Pae = 0x20, Vmxe = 0x2000, Lme = 0x100, Lma = 0x400;
        private const uint Unusable = 1u << 16, L = 1u << 13, Db = 1u << 14, G = 1u << 15, P = 1u << 7, S = 1u << 4;

        // Bochs corei7_skylake_x / typical hardware: CR0 must have PE, NE, PG (PE/PG relaxed by
        // unrestricted guest); CR4 must have VMXE.
        private const ulong Cr0Fixed0 = 0x80000021, Cr0Fixed1 = 0xFFFFFFFF, Cr4Fixed0 = 0x2000, Cr4Fixed1 = 0x3767FF;

        private static FakeVmcsState Start(GuestStartMode mode, ulong entry = 0x7C00, ulong stack = 0x7000, ulong cr3 = 0x1000)
        {
            FakeVmcsState state = new FakeVmcsState();
            FakeVmcs vmcs = new FakeVmcs(state);
            GuestStartState.Apply(ref vmcs, GuestStartState.ForModuleGuest(mode, entry, stack, cr3));
            return state;
        }

        private static ulong F(FakeVmcsState s, VmcsFieldNatural f) => s.Get((uint)f);
        private static ulong F(FakeVmcsState s, VmcsField64 f) => s.Get((uint)f);
        private static uint F(FakeVmcsState s, VmcsField32 f) => (uint)s.Get((uint)f);
        private static ushort F(FakeVmcsState s, VmcsField16 f) => (ushort)s.Get((uint)f);

        [Theory]
        [InlineData(GuestStartMode.Real)]
        [InlineData(GuestStartMode.Protected)]
        [InlineData(GuestStartMode.Long)]
        public void TheStartStatePassesTheVmEntryChecks(GuestStartMode mode)
        {
            FakeVmcsState s = Start(mode);
            List<string> failures = VmEntryChecks(s, mode == GuestStartMode.Long);
            Assert.True(failures.Count == 0, string.Join("; ", failures));
        }

        [Fact]
        public void RealModeStartsAtCsIpWithSixtyFourKSegments()
        {
            FakeVmcsState s = Start(GuestStartMode.Real, 0x7C00, 0x7000);
            Assert.Equal(Et, F(s, VmcsFieldNatural.Cr0ReadShadow));
            Assert.Equal(Et | Ne, F(s, VmcsFieldNatural.GuestCr0));
            Assert.Equal(0UL, F(s, VmcsFieldNatural.Cr4ReadShadow));
            Assert.Equal(Vmxe, F(s, VmcsFieldNatural.GuestCr4));
            Assert.Equal(0UL, F(s, VmcsField64.GuestIa32Efer));
            Assert.Equal(0x7C00UL, F(s, VmcsFieldNatural.GuestRip));
            Assert.Equal(0x7000UL, F(s, VmcsFieldNatural.GuestRsp));
            foreach (Seg seg in DataAndCode)
            {
                Assert.Equal((ushort)0, F(s, seg.Selector));
                Assert.Equal(0UL, F(s, seg.Base));
                Assert.Equal(0xFFFFu, F(s, seg.Limit));
            }
            Assert.Equal(0x9Bu, F(s, VmcsField32.GuestCsAccessRights));
            Assert.Equal(0x93u, F(s, VmcsField32.GuestSsAccessRights));
        }

        [Fact]
        public void ProtectedModeHasFlatFourGigabyteSegmentsAndNoPaging()
        {
            FakeVmcsState s = Start(GuestStartMode.Protected, 0x100000, 0x100000);
            Assert.Equal(Pe | Et, F(s, VmcsFieldNatural.Cr0ReadShadow));
            Assert.Equal(Pe | Et | Ne, F(s, VmcsFieldNatural.GuestCr0));
            Assert.Equal(0UL, F(s, VmcsFieldNatural.GuestCr3));
            Assert.Equal((ushort)GuestStartState.CodeSelector, F(s, VmcsField16.GuestCsSelector));
            Assert.Equal((ushort)GuestStartState.DataSelector, F(s, VmcsField16.GuestSsSelector));
            Assert.Equal((ushort)GuestStartState.DataSelector, F(s, VmcsField16.GuestDsSelector));
            uint cs = F(s, VmcsField32.GuestCsAccessRights);
            Assert.Equal(Db | G, cs & (Db | G | L));        // 32-bit code
            foreach (Seg seg in DataAndCode)
                Assert.Equal(0xFFFFFFFFu, F(s, seg.Limit));
            Assert.Equal(0x100000UL, F(s, VmcsFieldNatural.GuestRip));
        }

        [Fact]
        public void LongModeHasPagingPaeLmeLmaAndA64BitCodeSegment()
        {
            FakeVmcsState s = Start(GuestStartMode.Long, 0x100000, 0x100000, 0x1000);
            Assert.Equal(Pe | Et | Wp | Pg, F(s, VmcsFieldNatural.Cr0ReadShadow));
            Assert.Equal(Pe | Et | Wp | Pg | Ne, F(s, VmcsFieldNatural.GuestCr0));
            Assert.Equal(Pae, F(s, VmcsFieldNatural.Cr4ReadShadow));
            Assert.Equal(Pae | Vmxe, F(s, VmcsFieldNatural.GuestCr4));
            Assert.Equal(0x1000UL, F(s, VmcsFieldNatural.GuestCr3));
            Assert.Equal(Lme | Lma, F(s, VmcsField64.GuestIa32Efer));
            uint cs = F(s, VmcsField32.GuestCsAccessRights);
            Assert.Equal(L, cs & (L | Db));                 // 64-bit code: L = 1 requires D = 0
        }

        [Theory]
        [InlineData(GuestStartMode.Real)]
        [InlineData(GuestStartMode.Protected)]
        [InlineData(GuestStartMode.Long)]
        public void CommonStateIsTheArchitecturalResetState(GuestStartMode mode)
        {
            FakeVmcsState s = Start(mode);
            Assert.Equal(0x2UL, F(s, VmcsFieldNatural.GuestRflags));           // only the always-one bit 1
            Assert.Equal(0x400UL, F(s, VmcsFieldNatural.GuestDr7));
            Assert.Equal(ulong.MaxValue, F(s, VmcsField64.VmcsLinkPointer));
            Assert.Equal(0x0007040600070406UL, F(s, VmcsField64.GuestIa32Pat));
            Assert.Equal(0u, F(s, VmcsField32.GuestActivityState));
            Assert.Equal(0u, F(s, VmcsField32.GuestInterruptibilityState));
            Assert.Equal(0u, F(s, VmcsField32.VmEntryInterruptionInformationField));
            Assert.Equal(CrAccessExit.Cr0OwnedBits, F(s, VmcsFieldNatural.Cr0GuestHostMask));
            Assert.Equal(CrAccessExit.Cr4OwnedBits, F(s, VmcsFieldNatural.Cr4GuestHostMask));
            // The shadows are the guest's view: the owned bits are BareVisor's.
            Assert.Equal(F(s, VmcsFieldNatural.GuestCr0) & ~Ne, F(s, VmcsFieldNatural.Cr0ReadShadow));
            Assert.Equal(F(s, VmcsFieldNatural.GuestCr4) & ~Vmxe, F(s, VmcsFieldNatural.Cr4ReadShadow));
            Assert.Equal(0x8Bu, F(s, VmcsField32.GuestTrAccessRights));         // busy 32/64-bit TSS, present
            Assert.Equal(Unusable, F(s, VmcsField32.GuestLdtrAccessRights) & Unusable);
        }

        private readonly struct Seg
        {
            public readonly string Name;
            public readonly VmcsField16 Selector;
            public readonly VmcsField32 Limit, Access;
            public readonly VmcsFieldNatural Base;

            public Seg(string name, VmcsField16 selector, VmcsField32 limit, VmcsField32 access, VmcsFieldNatural b)
            {
                Name = name; Selector = selector; Limit = limit; Access = access; Base = b;
            }
        }

        private static readonly Seg Cs = new Seg("CS", VmcsField16.GuestCsSelector, VmcsField32.GuestCsLimit, VmcsField32.GuestCsAccessRights, VmcsFieldNatural.GuestCsBase);
        private static readonly Seg Ss = new Seg("SS", VmcsField16.GuestSsSelector, VmcsField32.GuestSsLimit, VmcsField32.GuestSsAccessRights, VmcsFieldNatural.GuestSsBase);
        private static readonly Seg Tr = new Seg("TR", VmcsField16.GuestTrSelector, VmcsField32.GuestTrLimit, VmcsField32.GuestTrAccessRights, VmcsFieldNatural.GuestTrBase);
        private static readonly Seg Ldtr = new Seg("LDTR", VmcsField16.GuestLdtrSelector, VmcsField32.GuestLdtrLimit, VmcsField32.GuestLdtrAccessRights, VmcsFieldNatural.GuestLdtrBase);

        private static readonly Seg[] DataAndCode =
        {
            Cs, Ss,
            new Seg("DS", VmcsField16.GuestDsSelector, VmcsField32.GuestDsLimit, VmcsField32.GuestDsAccessRights, VmcsFieldNatural.GuestDsBase),
            new Seg("ES", VmcsField16.GuestEsSelector, VmcsField32.GuestEsLimit, VmcsField32.GuestEsAccessRights, VmcsFieldNatural.GuestEsBase),
            new Seg("FS", VmcsField16.GuestFsSelector, VmcsField32.GuestFsLimit, VmcsField32.GuestFsAccessRights, VmcsFieldNatural.GuestFsBase),
            new Seg("GS", VmcsField16.GuestGsSelector, VmcsField32.GuestGsLimit, VmcsField32.GuestGsAccessRights, VmcsFieldNatural.GuestGsBase),
        };

        // The checks of SDM Vol. 3C 27.3.1.1-27.3.1.5 that these fields can fail, for a guest with
        // "unrestricted guest", "load IA32_EFER", "load IA32_PAT" and "IA-32e mode guest" = ia32e.
        private static List<string> VmEntryChecks(FakeVmcsState s, bool ia32e)
        {
            List<string> f = new List<string>();
            void Check(bool ok, string what) { if (!ok) f.Add(what); }

            ulong cr0 = F(s, VmcsFieldNatural.GuestCr0), cr4 = F(s, VmcsFieldNatural.GuestCr4), efer = F(s, VmcsField64.GuestIa32Efer);
            ulong fixed0 = Cr0Fixed0 & ~(Pe | Pg);
            Check((cr0 & fixed0) == fixed0 && (cr0 & ~Cr0Fixed1) == 0, "CR0 fixed bits");
            Check((cr0 & Pg) == 0 || (cr0 & Pe) != 0, "CR0.PG without PE");
            Check((cr4 & Cr4Fixed0) == Cr4Fixed0 && (cr4 & ~Cr4Fixed1) == 0, "CR4 fixed bits");
            Check(!ia32e || ((cr0 & Pg) != 0 && (cr4 & Pae) != 0), "IA-32e mode needs CR0.PG and CR4.PAE");
            Check(ia32e || (cr4 & (1UL << 17)) == 0, "PCIDE outside IA-32e mode");
            Check((efer & ~0xD01UL) == 0, "EFER reserved bits");
            Check(((efer & Lma) != 0) == ia32e, "EFER.LMA must equal IA-32e mode guest");
            Check((cr0 & Pg) == 0 || ((efer & Lma) != 0) == ((efer & Lme) != 0), "EFER.LME must equal LMA with paging");
            Check((F(s, VmcsFieldNatural.GuestDr7) >> 32) == 0, "DR7 bits 63:32");
            ulong pat = F(s, VmcsField64.GuestIa32Pat);
            for (int i = 0; i < 64; i += 8)
            {
                ulong type = (pat >> i) & 0xFF;
                Check(type <= 7 && type != 2 && type != 3, "PAT entry " + i / 8);
            }

            bool real = (cr0 & Pe) == 0;
            foreach (Seg seg in DataAndCode)
                CheckSegment(s, seg, f);
            uint cs = F(s, Cs.Access), ss = F(s, Ss.Access);
            uint csType = cs & 0xF;
            Check(csType == 3 || csType == 9 || csType == 11 || csType == 13 || csType == 15, "CS type");
            Check(csType != 3 || ((cs >> 5) & 3) == 0, "CS type 3 needs DPL 0");
            Check((csType & 0xC) != 8 || ((cs >> 5) & 3) == ((ss >> 5) & 3), "CS DPL must equal SS DPL");
            Check((ss & 0xF) == 3 || (ss & 0xF) == 7, "SS type");
            Check(!real || ((ss >> 5) & 3) == 0, "SS DPL must be 0 with CR0.PE = 0");
            Check((F(s, Ss.Selector) & 3) == (F(s, Cs.Selector) & 3) || real, "SS.RPL must equal CS.RPL");
            Check(!ia32e || (cs & L) == 0 || (cs & Db) == 0, "CS.L with CS.D");

            uint tr = F(s, Tr.Access);
            Check((tr & Unusable) == 0, "TR usable");
            Check((F(s, Tr.Selector) & 4) == 0, "TR.TI");
            Check(ia32e ? (tr & 0xF) == 11 : (tr & 0xF) == 3 || (tr & 0xF) == 11, "TR type");
            Check((tr & S) == 0 && (tr & P) != 0 && (tr & 0xFFFE0F00u) == 0, "TR S, P, reserved bits");
            CheckGranularity(F(s, Tr.Limit), tr, "TR", f);
            uint ldtr = F(s, Ldtr.Access);
            Check((ldtr & Unusable) != 0 || ((ldtr & 0xF) == 2 && (F(s, Ldtr.Selector) & 4) == 0), "LDTR");

            Check(F(s, VmcsField32.GuestGdtrLimit) <= 0xFFFF && F(s, VmcsField32.GuestIdtrLimit) <= 0xFFFF, "GDTR/IDTR limits");
            ulong rflags = F(s, VmcsFieldNatural.GuestRflags);
            Check((rflags & 2) != 0 && (rflags & 0xFFFFFFFF_FFC08028UL) == 0, "RFLAGS reserved bits");
            Check(!ia32e || (rflags & (1UL << 17)) == 0, "RFLAGS.VM in IA-32e mode");
            Check(ia32e || (F(s, VmcsFieldNatural.GuestRip) >> 32) == 0, "RIP bits 63:32 outside IA-32e mode");
            Check(F(s, VmcsField32.GuestActivityState) == 0, "activity state");
            Check((F(s, VmcsField32.GuestInterruptibilityState) & ~0x1FUL) == 0, "interruptibility reserved bits");
            Check(F(s, VmcsField64.VmcsLinkPointer) == ulong.MaxValue, "VMCS link pointer");
            return f;
        }

        private static void CheckSegment(FakeVmcsState s, Seg seg, List<string> f)
        {
            uint access = F(s, seg.Access);
            if ((access & Unusable) != 0)
                return;
            if ((access & 1) == 0)
                f.Add(seg.Name + " not accessed");
            if ((access & S) == 0 || (access & P) == 0)
                f.Add(seg.Name + " S/P");
            if ((access & 0xFFFE0F00u) != 0)
                f.Add(seg.Name + " reserved access-right bits");
            if ((F(s, seg.Base) >> 32) != 0)
                f.Add(seg.Name + " base bits 63:32");
            CheckGranularity(F(s, seg.Limit), access, seg.Name, f);
        }

        // If any of limit bits 11:0 is 0, G must be 0; if any of bits 31:20 is 1, G must be 1.
        private static void CheckGranularity(uint limit, uint access, string name, List<string> f)
        {
            if ((limit & 0xFFF) != 0xFFF && (access & G) != 0)
                f.Add(name + ": G set with limit bits 11:0 not all ones");
            if ((limit & 0xFFF00000) != 0 && (access & G) == 0)
                f.Add(name + ": G clear with limit above 1 MiB");
        }
    }
}
