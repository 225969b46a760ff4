// Host test code. What a guest learns from CPUID (SDM Vol. 2A, CPUID): the host's answers filtered
// by CpuidPolicy, BareVisor's own leaves, one-vCPU topology, XSAVE sizes that follow the guest's
// XCR0, and CPUID.1:ECX.OSXSAVE following the guest's CR4.OSXSAVE.
using System.Text;
using BareVisor.Core.Cpu;
using BareVisor.Core.Devices;
using BareVisor.Core.Vmx;
using BareVisor.Core.Vmx.Exits;

namespace BareVisor.Core.Tests.Vmx.Exits
{
    public class CpuidExitTests
    {
        private const uint Sse3 = 1u << 0, Monitor = 1u << 3, Vmx = 1u << 5, Smx = 1u << 6, Eist = 1u << 7, Tm2 = 1u << 8, Pdcm = 1u << 15;
        private const uint AcpiThermal = 1u << 22, Tm = 1u << 29;
        private const uint X2apic = 1u << 21, TscDeadline = 1u << 24, Xsave = 1u << 26, Osxsave = 1u << 27, Avx = 1u << 28, Hypervisor = 1u << 31;
        private const ulong Cr4Osxsave = 1UL << 18;

        // A Skylake-like host: XSAVE with x87, SSE, AVX, MPX (3, 4) and AVX-512 (5-7) state.
        private static VcpuHarness Skylake()
        {
            VcpuHarness h = new VcpuHarness();
            GuestPlatformRecorder p = h.Platform;
            p.SetCpuid(0, 0x16, 0x756E6547, 0x6C65746E, 0x49656E69);
            p.SetCpuid(1, 0x00050654, 0x0C400800, Sse3 | Monitor | Vmx | Smx | Eist | Tm2 | Pdcm | TscDeadline | Xsave | Osxsave | Avx, 0xBFEBFBFF);
            p.SetCpuid(0xD, 0, 0xE7, 0x440, 0xA88, 0);
            p.SetCpuid(0xD, 1, 0xF, 0x440, 0x100, 0);
            p.SetCpuid(0xD, 2, 256, 576, 0, 0);
            p.SetCpuid(0xD, 3, 64, 960, 0, 0);
            p.SetCpuid(0xD, 5, 64, 1088, 0, 0);
            p.SetCpuid(0xD, 7, 1024, 1664, 0, 0);
            p.SetCpuid(0x80000001, 0, 0, 0x121, 0x2C100800);
            return h;
        }

        private static CpuidResult Run(VcpuHarness h, uint leaf, uint subleaf = 0)
        {
            h.Regs.Rax = 0xFFFFFFFF_00000000UL | leaf;
            h.Regs.Rcx = 0xFFFFFFFF_00000000UL | subleaf;
            h.Regs.Rbx = h.Regs.Rdx = ulong.MaxValue;
            ulong rip = h.Rip;
            Assert.Equal(ExitAction.Resume, h.Exit(ExitReason.Cpuid, instructionLength: 2));
            Assert.Equal(rip + 2, h.Rip);
            // CPUID writes 32-bit registers: bits 63:32 of RAX, RBX, RCX and RDX are cleared.
            Assert.Equal(0UL, (h.Regs.Rax | h.Regs.Rbx | h.Regs.Rcx | h.Regs.Rdx) >> 32);
            return new CpuidResult((uint)h.Regs.Rax, (uint)h.Regs.Rbx, (uint)h.Regs.Rcx, (uint)h.Regs.Rdx);
        }

        [Fact]
        public void HypervisorLeafSaysBareVisor()
        {
            using VcpuHarness h = Skylake();
            h.Platform.SetCpuid(0x40000000, 0x40000001, 0x4B4D564B, 0x564B4D56, 0x4D);   // "KVMKVMKVM": must not leak
            CpuidResult r = Run(h, 0x40000000);
            Assert.Equal(0x40000001u, r.Eax);
            byte[] signature = new byte[12];
            System.BitConverter.GetBytes(r.Ebx).CopyTo(signature, 0);
            System.BitConverter.GetBytes(r.Ecx).CopyTo(signature, 4);
            System.BitConverter.GetBytes(r.Edx).CopyTo(signature, 8);
            Assert.Equal("BareVisor\0\0\0", Encoding.ASCII.GetString(signature));
        }

        [Fact]
        public void HypervisorFeatureLeafGivesTheHypercallVersionAndFeatures()
        {
            using VcpuHarness h = Skylake();
            CpuidResult r = Run(h, 0x40000001);
            Assert.Equal(0x00010000u, r.Eax);
            Assert.Equal(0x7u, r.Ebx);      // console write, power off, reboot
            Assert.Equal(0u, r.Ecx);
            Assert.Equal(0u, r.Edx);
        }

        [Theory]
        [InlineData(0x40000002u)]
        [InlineData(0x40000100u)]
        [InlineData(0x4FFFFFFFu)]
        public void OtherHypervisorLeavesAreZeroAndNeverReachTheHost(uint leaf)
        {
            using VcpuHarness h = Skylake();
            h.Platform.SetCpuid(leaf, 1, 2, 3, 4);
            CpuidResult r = Run(h, leaf);
            Assert.Equal(default, r);
            Assert.DoesNotContain(h.Platform.CpuidCalls, c => c.Leaf == leaf);
        }

        [Fact]
        public void Leaf1HidesWhatBareVisorDoesNotVirtualiseAndAddsTheHypervisorBit()
        {
            using VcpuHarness h = Skylake();
            CpuidResult r = Run(h, 1);
            Assert.Equal(0u, r.Ecx & (Monitor | Vmx | Smx | Eist | Tm2 | Pdcm));
            Assert.Equal(Hypervisor, r.Ecx & Hypervisor);
            Assert.Equal(Sse3 | Xsave | Avx, r.Ecx & (Sse3 | Xsave | Avx));
            Assert.Equal(0x00050654u, r.Eax);
            Assert.Equal(0xBFEBFBFFu & ~(AcpiThermal | Tm), r.Edx);
        }

        [Fact]
        public void Leaf1OffersTheEmulatedLocalApicsFeaturesEvenWhenTheHostLacksThem()
        {
            using VcpuHarness h = Skylake();
            h.Platform.SetCpuid(1, 0x00050654, 0x0C400800, Sse3, 0xBFEBFBFF & ~(1u << 9));
            CpuidResult r = Run(h, 1);
            Assert.Equal(X2apic | TscDeadline, r.Ecx & (X2apic | TscDeadline));
            Assert.Equal(1u << 9, r.Edx & (1u << 9));
        }

        [Fact]
        public void Leaf1DescribesOneLogicalProcessorWithApicIdZero()
        {
            using VcpuHarness h = Skylake();
            CpuidResult r = Run(h, 1);
            Assert.Equal(0u, r.Ebx >> 24);              // initial APIC ID
            Assert.Equal(1u, (r.Ebx >> 16) & 0xFF);     // addressable logical processors
            Assert.Equal(0x0800u, r.Ebx & 0xFFFF);      // CLFLUSH line size and brand index kept
        }

        [Fact]
        public void OsxsaveFollowsTheGuestsCr4NotTheHosts()
        {
            using VcpuHarness h = Skylake();
            Assert.Equal(0u, Run(h, 1).Ecx & Osxsave);  // the host has CR4.OSXSAVE, the guest not yet
            h.Set(VmcsFieldNatural.GuestCr4, h.Get(VmcsFieldNatural.GuestCr4) | Cr4Osxsave);
            Assert.Equal(Osxsave, Run(h, 1).Ecx & Osxsave);
            h.Set(VmcsFieldNatural.GuestCr4, h.Get(VmcsFieldNatural.GuestCr4) & ~Cr4Osxsave);
            Assert.Equal(0u, Run(h, 1).Ecx & Osxsave);
        }

        [Fact]
        public void Leaf4ReportsOneCoreAndOneThreadPerCache()
        {
            using VcpuHarness h = Skylake();
            h.Platform.SetCpuid(4, 0, 0x7C004121, 0x01C0003F, 0x3F, 0);
            h.Platform.SetCpuid(4, 3, 0x7C0FC163, 0x02C0003F, 0x3FFF, 6);
            CpuidResult l1 = Run(h, 4, 0);
            Assert.Equal(0x0121u, l1.Eax);              // type and level kept, sharing and core counts 0 (one)
            Assert.Equal(0x01C0003Fu, l1.Ebx);
            CpuidResult l3 = Run(h, 4, 3);
            Assert.Equal(0x0163u, l3.Eax);
            Assert.Equal(0x3FFFu, l3.Ecx);
            Assert.Equal(6u, l3.Edx);
        }

        [Theory]
        [InlineData(6u)]
        [InlineData(0xAu)]
        public void PowerManagementAndPerformanceMonitoringAreHidden(uint leaf)
        {
            using VcpuHarness h = Skylake();
            h.Platform.SetCpuid(leaf, 0x77, 0x2, 0x9, 0x1);
            Assert.Equal(default, Run(h, leaf));
        }

        [Theory]
        [InlineData(0xBu)]
        [InlineData(0x1Fu)]
        public void TopologyIsOneThreadOnOneCore(uint leaf)
        {
            using VcpuHarness h = Skylake();
            h.Platform.SetCpuid(leaf, 1, 16, 0x201, 0x2A);
            CpuidResult smt = Run(h, leaf, 0);
            Assert.Equal(new CpuidResult(0, 1, 0x100, 0), smt);      // level 0: SMT, one thread, x2APIC id 0
            CpuidResult core = Run(h, leaf, 1);
            Assert.Equal(new CpuidResult(0, 1, 0x201, 0), core);     // level 1: core, one logical processor
            CpuidResult end = Run(h, leaf, 2);
            Assert.Equal(new CpuidResult(0, 0, 2, 0), end);          // level type 0: no more levels
            Assert.Equal(0xFFu, Run(h, leaf, 0x1FF).Ecx);            // ECX[7:0] echoes the input
        }

        [Fact]
        public void XsaveLeafOffersOnlyX87SseAndAvx()
        {
            using VcpuHarness h = Skylake();
            CpuidResult r = Run(h, 0xD, 0);
            Assert.Equal(0x7u, r.Eax);
            Assert.Equal(0u, r.Edx);
            Assert.Equal(576u, r.Ebx);          // XCR0 = x87: legacy area and header only
            Assert.Equal(832u, r.Ecx);          // all offered components: AVX ends at 576 + 256
        }

        [Fact]
        public void XsaveSizeFollowsTheGuestsXcr0()
        {
            using VcpuHarness h = Skylake();
            h.Regs.Rcx = 0;
            h.Regs.Rdx = 0;
            h.Regs.Rax = 7;
            Assert.Equal(ExitAction.Resume, h.Exit(ExitReason.Xsetbv, instructionLength: 3));
            Assert.Equal(7UL, h.Vcpu.GuestXcr0);
            Assert.Equal(832u, Run(h, 0xD, 0).Ebx);
        }

        [Fact]
        public void XsaveSubleaf1KeepsOnlyXsaveopt()
        {
            using VcpuHarness h = Skylake();
            Assert.Equal(new CpuidResult(1, 0, 0, 0), Run(h, 0xD, 1));
        }

        [Fact]
        public void XsaveComponentLeavesExistOnlyForOfferedComponents()
        {
            using VcpuHarness h = Skylake();
            Assert.Equal(new CpuidResult(256, 576, 0, 0), Run(h, 0xD, 2));
            Assert.Equal(default, Run(h, 0xD, 3));      // MPX: not offered
            Assert.Equal(default, Run(h, 0xD, 5));      // AVX-512: not offered
            Assert.Equal(default, Run(h, 0xD, 63));
            Assert.Equal(default, Run(h, 0xD, 64));
            Assert.Equal(default, Run(h, 0xD, 0xFFFFFFFF));
        }

        [Fact]
        public void OtherLeavesPassThrough()
        {
            using VcpuHarness h = Skylake();
            Assert.Equal(new CpuidResult(0x16, 0x756E6547, 0x6C65746E, 0x49656E69), Run(h, 0));
            Assert.Equal(new CpuidResult(0, 0, 0x121, 0x2C100800), Run(h, 0x80000001));
        }

        [Fact]
        public void Leaf15GivesTheTscFrequencyAsCrystalTimesRatio()
        {
            using VcpuHarness h = Skylake();
            h.Platform.TscHz = 3_499_912_345;
            h.Platform.SetCpuid(0x15, 2, 292, 0, 0);           // the host's own answer must not leak
            CpuidResult r = Run(h, 0x15);
            Assert.Equal(25_000_000u, r.Ecx);
            Assert.Equal(3_499_912UL * 1000, (ulong)r.Ecx * r.Ebx / r.Eax);
            Assert.Equal(0u, r.Edx);
        }

        [Fact]
        public void Leaf16GivesTheTscFrequencyInMegahertz()
        {
            using VcpuHarness h = Skylake();
            h.Platform.TscHz = 3_499_912_345;
            Assert.Equal(new CpuidResult(3499, 3499, 25, 0), Run(h, 0x16));
        }

        [Theory]
        [InlineData(0xDu, 0x16u)]
        [InlineData(0x1Fu, 0x1Fu)]
        public void Leaf0OffersTheFrequencyLeavesOnOlderCpus(uint hostMaximum, uint guestMaximum)
        {
            using VcpuHarness h = Skylake();
            h.Platform.SetCpuid(0, hostMaximum, 0x756E6547, 0x6C65746E, 0x49656E69);
            Assert.Equal(guestMaximum, Run(h, 0).Eax);
        }

        // SDM Vol. 3A 11.4.3: with IA32_APIC_BASE.EN clear, CPUID.1:EDX.APIC reads 0; setting EN
        // again brings it back.
        [Fact]
        public void TheApicBitFollowsTheApicsGlobalEnable()
        {
            using VcpuHarness h = Skylake();
            LocalApic apic = h.Platform.Devices.Apic;
            Assert.NotEqual(0u, Run(h, 1).Edx & CpuidPolicy.Leaf1EdxApic);
            Assert.True(apic.TryWriteMsr(LocalApic.ApicBaseMsr, LocalApic.DefaultBase | LocalApic.BaseMsrBsp));
            Assert.Equal(0u, Run(h, 1).Edx & CpuidPolicy.Leaf1EdxApic);
            Assert.True(apic.TryWriteMsr(LocalApic.ApicBaseMsr, LocalApic.ResetBaseMsr));
            Assert.NotEqual(0u, Run(h, 1).Edx & CpuidPolicy.Leaf1EdxApic);
        }

        // Values worked out by hand from the host's answers and the policy's rules, not by asking
        // the policy again: leaf 2 passes through, 6 and 0xA are hidden, 0x15 is the ratio of the
        // TSC (2 GHz) to the crystal, 0x80000001 passes through.
        [Fact]
        public void CachedAnswersAreThePolicysRules()
        {
            using VcpuHarness h = Skylake();
            h.Platform.SetCpuid(2, 0x00FEFF01, 0xF0, 0, 0);
            h.Platform.SetCpuid(6, 0x77, 0x2, 0x9, 0);
            h.Platform.SetCpuid(0x80000000, 0x80000008, 0, 0, 0);
            CpuidCache cache = CpuidCache.Build(ref h.Vcpu.Platform);
            AssertCached(cache, 0, new CpuidResult(0x16, 0x756E6547, 0x6C65746E, 0x49656E69));
            AssertCached(cache, 2, new CpuidResult(0x00FEFF01, 0xF0, 0, 0));
            AssertCached(cache, 6, default);
            AssertCached(cache, 0xA, default);
            AssertCached(cache, 0x15, new CpuidResult(CpuidPolicy.CrystalHz / 1000, 2000000, CpuidPolicy.CrystalHz, 0));
            AssertCached(cache, 0x80000001, new CpuidResult(0, 0, 0x121, 0x2C100800));
            AssertCached(cache, 0x40000000, new CpuidResult(0x40000001, CpuidPolicy.SignatureEbx, CpuidPolicy.SignatureEcx, CpuidPolicy.SignatureEdx));
        }

        private static void AssertCached(CpuidCache cache, uint leaf, CpuidResult expected)
        {
            Assert.True(cache.TryGet(leaf, out CpuidResult cached), "leaf 0x" + leaf.ToString("x") + " should be cached");
            Assert.Equal(expected, cached);
        }

        // Leaf 1 follows CR4; the others take ECX (SDM Vol. 2A Table 3-8, AMD APM Vol. 3 App. E),
        // 0x40000002 is not BareVisor's.
        [Theory]
        [InlineData(1u)]
        [InlineData(4u)]
        [InlineData(7u)]
        [InlineData(0xBu)]
        [InlineData(0xDu)]
        [InlineData(0xFu)]
        [InlineData(0x10u)]
        [InlineData(0x12u)]
        [InlineData(0x14u)]
        [InlineData(0x17u)]
        [InlineData(0x18u)]
        [InlineData(0x1Bu)]
        [InlineData(0x1Du)]
        [InlineData(0x1Eu)]
        [InlineData(0x1Fu)]
        [InlineData(0x20u)]
        [InlineData(0x8000001Du)]
        [InlineData(0x80000020u)]
        [InlineData(0x40000002u)]
        public void LeavesThatDependOnSubleafOrGuestStateAreNotCached(uint leaf)
        {
            using VcpuHarness h = Skylake();
            h.Platform.SetCpuid(0, 0x24, 0x756E6547, 0x6C65746E, 0x49656E69);
            h.Platform.SetCpuid(0x80000000, 0x80000026, 0, 0, 0);
            CpuidCache cache = CpuidCache.Build(ref h.Vcpu.Platform);
            Assert.False(cache.TryGet(leaf, out _));
            Assert.Equal(0u, cache.BasicFastMask & (leaf < 32 ? 1u << (int)leaf : 0));
        }

        // A CPU answers a leaf above its highest with its highest basic leaf, which may take ECX:
        // only the policy, asked live with the guest's ECX, gets that right.
        [Theory]
        [InlineData(0x19u)]
        [InlineData(0x1Au)]
        [InlineData(0x1Cu)]
        [InlineData(0x80000009u)]
        public void LeavesAboveTheHighestReportedAreNotCached(uint leaf)
        {
            using VcpuHarness h = Skylake();
            h.Platform.SetCpuid(0x80000000, 0x80000008, 0, 0, 0);
            CpuidCache cache = CpuidCache.Build(ref h.Vcpu.Platform);
            Assert.False(cache.TryGet(leaf, out _));
            Assert.Equal(0u, cache.BasicFastMask & (leaf < 32 ? 1u << (int)leaf : 0));
        }

        [Fact]
        public void TheFastPathAnswersEveryOtherBasicLeafUpToTheHighest()
        {
            using VcpuHarness h = Skylake();
            CpuidCache cache = CpuidCache.Build(ref h.Vcpu.Platform);
            // Leaves 0, 2, 3, 5, 6, 8, 9, 0xA, 0xC, 0xE, 0x11, 0x13, 0x15, 0x16 of 0..0x16.
            Assert.Equal(0x006A576Du, cache.BasicFastMask);
        }

        // The slow path answers ECX-indexed leaves per subleaf: leaf 0x1B (PCONFIG) included.
        [Fact]
        public void Leaf1BIsAnsweredForTheSubleafAsked()
        {
            using VcpuHarness h = Skylake();
            h.Platform.SetCpuid(0, 0x1B, 0x756E6547, 0x6C65746E, 0x49656E69);
            h.Platform.SetCpuid(0x1B, 0, 1, 0x11, 0, 0);
            h.Platform.SetCpuid(0x1B, 1, 0, 0x22, 0, 0);
            Assert.Equal(0x11u, Run(h, 0x1B, 0).Ebx);
            Assert.Equal(0x22u, Run(h, 0x1B, 1).Ebx);
        }
    }
}
