// Host test code. RDMSR/WRMSR exits (SDM Vol. 2B RDMSR/WRMSR, Vol. 4 MSR tables): the emulated
// MSRs' values, the write rules (EFER, PAT), #GP with a one-time report for everything else, and
// MsrPolicy's lists.
using System.Collections.Generic;
using BareVisor.Core.Devices;
using BareVisor.Core.Guests;
using BareVisor.Core.Vmx;
using BareVisor.Core.Vmx.Exits;

namespace BareVisor.Core.Tests.Vmx.Exits
{
    public class MsrExitTests
    {
        private const ulong EferSce = 1, EferLme = 1UL << 8, EferLma = 1UL << 10, EferNxe = 1UL << 11;
        private const ulong ResetPat = 0x0007040600070406;

        private static ExitAction Rdmsr(VcpuHarness h, uint msr)
        {
            h.Regs.Rcx = msr;
            h.Regs.Rax = 0xAAAAAAAA_AAAAAAAA;
            h.Regs.Rdx = 0xDDDDDDDD_DDDDDDDD;
            return h.Exit(ExitReason.Rdmsr, instructionLength: 2);
        }

        private static ExitAction Wrmsr(VcpuHarness h, uint msr, ulong value)
        {
            h.Regs.Rcx = msr;
            h.Regs.Rax = 0xFFFFFFFF_00000000 | (uint)value;     // WRMSR uses EDX:EAX only
            h.Regs.Rdx = 0xFFFFFFFF_00000000 | (value >> 32);
            return h.Exit(ExitReason.Wrmsr, instructionLength: 2);
        }

        private static ulong EdxEax(VcpuHarness h)
        {
            Assert.Equal(0UL, (h.Regs.Rax | h.Regs.Rdx) >> 32);  // RDMSR clears bits 63:32 of RAX and RDX
            return (h.Regs.Rdx << 32) | h.Regs.Rax;
        }

        [Fact]
        public void TheTscReadsTheHostsCounter()
        {
            using VcpuHarness h = new VcpuHarness();
            h.Platform.Tsc = 0x11223344_55667788;
            Assert.Equal(ExitAction.Resume, Rdmsr(h, 0x10));
            Assert.Equal(0x11223344_55667788UL, EdxEax(h));
            Assert.Equal(VcpuHarness.Entry + 2, h.Rip);
        }

        [Theory]
        [InlineData(0x1Bu, 0xFEE00900UL)]       // APIC_BASE at reset: 0xFEE00000, enabled (bit 11), BSP (bit 8)
        [InlineData(0x3Au, 0x1UL)]              // FEATURE_CONTROL: locked, VMX off (CPUID hides VMX)
        [InlineData(0x1A0u, 0x1801UL)]          // MISC_ENABLE: fast strings, BTS and PEBS unavailable
        [InlineData(0x2FFu, 0x0UL)]             // MTRR_DEF_TYPE: MTRRs off, default UC
        [InlineData(0x277u, ResetPat)]          // PAT: its power-on value
        [InlineData(0x8Bu, 0x0UL)]              // BIOS_SIGN_ID
        [InlineData(0xFEu, 0x0UL)]              // MTRRCAP: no MTRRs
        [InlineData(0x179u, 0x0UL)]             // MCG_CAP: no machine-check banks
        [InlineData(0x17Au, 0x0UL)]             // MCG_STATUS
        [InlineData(0xC0000080u, 0x0UL)]        // EFER in protected mode
        public void EmulatedMsrsReadTheirValues(uint msr, ulong expected)
        {
            using VcpuHarness h = new VcpuHarness();
            Assert.Equal(ExitAction.Resume, Rdmsr(h, msr));
            Assert.Equal(expected, EdxEax(h));
            h.AssertNothingInjected();
        }

        [Fact]
        public void EferReadsLongModeInALongModeGuest()
        {
            using VcpuHarness h = new VcpuHarness(GuestStartMode.Long);
            Rdmsr(h, 0xC0000080);
            Assert.Equal(EferLme | EferLma, EdxEax(h));
        }

        [Fact]
        public void TheUpperHalfOfRcxIsIgnored()
        {
            using VcpuHarness h = new VcpuHarness();
            h.Regs.Rcx = 0xFFFFFFFF_0000001B;
            h.Exit(ExitReason.Rdmsr, instructionLength: 2);
            Assert.Equal(0xFEE00900UL, EdxEax(h));
        }

        [Fact]
        public void ApicBaseAndMtrrDefTypeKeepWhatTheGuestWrites()
        {
            using VcpuHarness h = new VcpuHarness();
            Assert.Equal(ExitAction.Resume, Wrmsr(h, 0x1B, 0xFEE00D00));     // x2APIC mode
            Assert.Equal(ExitAction.Resume, Wrmsr(h, 0x2FF, 0xC06));
            Rdmsr(h, 0x1B);
            Assert.Equal(0xFEE00D00UL, EdxEax(h));
            Rdmsr(h, 0x2FF);
            Assert.Equal(0xC06UL, EdxEax(h));
            Assert.Equal(VcpuHarness.Entry + 8, h.Rip);
            Assert.Equal(LocalApicMode.X2Apic, h.Platform.Devices.Apic.Mode);
        }

        [Fact]
        public void X2ApicRegistersAreTheLocalApics()
        {
            using VcpuHarness h = new VcpuHarness();
            Assert.Equal(ExitAction.Resume, Wrmsr(h, 0x1B, 0xFEE00D00));
            Rdmsr(h, 0x803);                                                // version
            Assert.Equal(0x50014UL, EdxEax(h));
            Wrmsr(h, 0x808, 0x20);                                          // TPR
            Assert.Equal(2UL, h.Platform.Devices.Apic.Cr8);
            h.Set(VmcsField32.VmEntryInterruptionInformationField, 0);
            Wrmsr(h, 0x803, 0);                                             // version is read-only: #GP
            Assert.Equal(InterruptionInformation.HardwareException(13, true).Value, h.Get(VmcsField32.VmEntryInterruptionInformationField));
        }

        [Fact]
        public void ATscDeadlineWriteArmsThePlatformsNextEvent()
        {
            using VcpuHarness h = new VcpuHarness();
            Wrmsr(h, 0x1B, 0xFEE00D00);
            Wrmsr(h, 0x80F, 0x1FF);                                         // SVR: software enable
            Wrmsr(h, 0x832, (2u << 17) | 0x40);                             // LVT timer: TSC-deadline, vector 0x40
            Wrmsr(h, 0x6E0, h.Platform.TscHz / 1000);                       // 1 ms after the TSC's zero
            Assert.Equal(1_000_000UL, h.Platform.Devices.NextEventAt);
        }

        [Fact]
        public void PatWritesGoToTheVmcs()
        {
            using VcpuHarness h = new VcpuHarness();
            const ulong linuxPat = 0x0007010600070106;     // WB, WC, UC-, UC, WB, WC, UC-, UC
            Assert.Equal(ExitAction.Resume, Wrmsr(h, 0x277, linuxPat));
            Assert.Equal(linuxPat, h.Get(VmcsField64.GuestIa32Pat));
            Rdmsr(h, 0x277);
            Assert.Equal(linuxPat, EdxEax(h));
        }

        [Theory]
        [InlineData(0x0007040600070402UL)]      // entry 0 = 2: reserved memory type
        [InlineData(0x0307040600070406UL)]      // entry 7 = 3: reserved
        [InlineData(0x0007040600070408UL)]      // entry 0 = 8: bits 7:3 reserved
        [InlineData(0x0007040600F70406UL)]
        public void AnInvalidPatIsRefusedWithGp(ulong value)
        {
            // WRMSR of a reserved memory type raises #GP (SDM Vol. 3A, "IA32_PAT MSR"); stored, it
            // would make the next VM entry fail its guest IA32_PAT check.
            using VcpuHarness h = new VcpuHarness();
            Assert.Equal(ExitAction.Resume, Wrmsr(h, 0x277, value));
            h.AssertInjected(ExceptionVectors.GeneralProtection, 0);
            Assert.Equal(ResetPat, h.Get(VmcsField64.GuestIa32Pat));
            Assert.Equal(VcpuHarness.Entry, h.Rip);
        }

        [Fact]
        public void EferTakesSceNxeAndLmeWhilePagingIsOff()
        {
            using VcpuHarness h = new VcpuHarness();
            Assert.Equal(ExitAction.Resume, Wrmsr(h, 0xC0000080, EferSce | EferNxe | EferLme));
            Assert.Equal(EferSce | EferNxe | EferLme, h.Get(VmcsField64.GuestIa32Efer));
            h.AssertNothingInjected();
        }

        [Fact]
        public void LmaIsTheCpusToSet()
        {
            using VcpuHarness h = new VcpuHarness();
            Wrmsr(h, 0xC0000080, EferLme | EferLma);
            Assert.Equal(EferLme, h.Get(VmcsField64.GuestIa32Efer));

            using VcpuHarness longMode = new VcpuHarness(GuestStartMode.Long);
            Wrmsr(longMode, 0xC0000080, EferLme | EferNxe | EferSce);
            Assert.Equal(EferLme | EferLma | EferNxe | EferSce, longMode.Get(VmcsField64.GuestIa32Efer));
        }

        [Theory]
        [InlineData(1UL << 1)]
        [InlineData(1UL << 9)]
        [InlineData(1UL << 12)]                 // SVME: AMD only
        [InlineData(1UL << 63)]
        public void EferReservedBitsRaiseGp(ulong bit)
        {
            using VcpuHarness h = new VcpuHarness();
            Wrmsr(h, 0xC0000080, EferSce | bit);
            h.AssertInjected(ExceptionVectors.GeneralProtection, 0);
            Assert.Equal(0UL, h.Get(VmcsField64.GuestIa32Efer));
        }

        [Fact]
        public void LmeCannotChangeWhilePagingIsOn()
        {
            // SDM Vol. 3A 4.1.2: WRMSR changing IA32_EFER.LME while CR0.PG = 1 raises #GP. Stored, LME != LMA
            // with paging on would fail the next VM entry.
            using VcpuHarness h = new VcpuHarness(GuestStartMode.Long);
            Wrmsr(h, 0xC0000080, EferLma);
            h.AssertInjected(ExceptionVectors.GeneralProtection, 0);
            Assert.Equal(EferLme | EferLma, h.Get(VmcsField64.GuestIa32Efer));

            using VcpuHarness paged = new VcpuHarness();
            paged.Set(VmcsFieldNatural.GuestCr0, paged.Get(VmcsFieldNatural.GuestCr0) | (1UL << 31));
            Wrmsr(paged, 0xC0000080, EferLme);
            paged.AssertInjected(ExceptionVectors.GeneralProtection, 0);
            Assert.Equal(0UL, paged.Get(VmcsField64.GuestIa32Efer));
        }

        [Fact]
        public void OtherEferBitsMayChangeWhilePagingIsOn()
        {
            using VcpuHarness h = new VcpuHarness(GuestStartMode.Long);
            Wrmsr(h, 0xC0000080, EferLme | EferLma | EferNxe);
            h.AssertNothingInjected();
            Assert.Equal(EferLme | EferLma | EferNxe, h.Get(VmcsField64.GuestIa32Efer));
        }

        [Theory]
        [InlineData(0x10u)]
        [InlineData(0x8Bu)]
        [InlineData(0x1A0u)]
        [InlineData(0x17Au)]
        public void WritesToTheseEmulatedMsrsAreAcceptedAndDropped(uint msr)
        {
            using VcpuHarness h = new VcpuHarness();
            Rdmsr(h, msr);
            ulong before = EdxEax(h);
            Assert.Equal(ExitAction.Resume, Wrmsr(h, msr, 0x1234));
            h.AssertNothingInjected();
            Assert.Equal(VcpuHarness.Entry + 4, h.Rip);
            Rdmsr(h, msr);
            Assert.Equal(before, EdxEax(h));
        }

        [Theory]
        [InlineData(0x3Au)]                     // FEATURE_CONTROL is locked: a write faults
        [InlineData(0xFEu)]                     // MTRRCAP is read-only
        [InlineData(0x179u)]                    // MCG_CAP is read-only
        public void ReadOnlyEmulatedMsrsRefuseWrites(uint msr)
        {
            using VcpuHarness h = new VcpuHarness();
            Wrmsr(h, msr, 0);
            h.AssertInjected(ExceptionVectors.GeneralProtection, 0);
            Assert.Equal(VcpuHarness.Entry, h.Rip);
        }

        [Fact]
        public void AnUnknownMsrRaisesGpWithErrorCodeZeroAndIsReportedOnce()
        {
            using VcpuHarness h = new VcpuHarness();
            Assert.Equal(ExitAction.Resume, Rdmsr(h, 0x480));
            h.AssertInjected(ExceptionVectors.GeneralProtection, 0);
            Assert.Equal(VcpuHarness.Entry, h.Rip);
            Assert.Equal(0xAAAAAAAA_AAAAAAAAUL, h.Regs.Rax);   // RDMSR did not complete
            Assert.Equal(0xDDDDDDDD_DDDDDDDDUL, h.Regs.Rdx);
            Assert.Equal(new[] { "MSR 0x480 is not emulated (RDMSR): #GP injected" }, h.Platform.Log);

            Rdmsr(h, 0x480);
            Wrmsr(h, 0x480, 0);
            Assert.Single(h.Platform.Log);
            Wrmsr(h, 0x9B, 1);
            Assert.Equal("MSR 0x9b is not emulated (WRMSR): #GP injected", h.Platform.Log[1]);
        }

        [Fact]
        public void InRealModeTheGpCarriesNoErrorCode()
        {
            // With unrestricted guest and CR0.PE = 0, VM entry refuses "deliver error code" (SDM Vol. 3C 27.2.1.3).
            using VcpuHarness h = new VcpuHarness(GuestStartMode.Real);
            h.Set(VmcsField32.VmEntryExceptionErrorCode, 0x77);
            Rdmsr(h, 0x480);
            h.AssertInjected(ExceptionVectors.GeneralProtection, null);
            Assert.Equal(0x77UL, h.InjectedErrorCode);
        }

        [Fact]
        public void EveryEmulatedMsrCanBeRead()
        {
            using VcpuHarness h = new VcpuHarness();
            List<uint> emulated = new List<uint>();
            for (uint msr = 0; msr < 0x1000; msr++)
            {
                // The x2APIC registers are the local APIC's tests' business (most fault outside x2APIC mode).
                if (MsrPolicy.Treatment(msr) == MsrTreatment.Emulated && !LocalApic.IsX2ApicMsr(msr))
                    emulated.Add(msr);
            }
            if (MsrPolicy.Treatment(0xC0000080) == MsrTreatment.Emulated)
                emulated.Add(0xC0000080);
            Assert.Equal(13, emulated.Count);
            foreach (uint msr in emulated)
            {
                h.Set(VmcsField32.VmEntryInterruptionInformationField, 0);
                Rdmsr(h, msr);
                h.AssertNothingInjected();
            }
        }

        [Theory]
        [InlineData(0x174u)]
        [InlineData(0x175u)]
        [InlineData(0x176u)]
        [InlineData(0xC0000081u)]
        [InlineData(0xC0000082u)]
        [InlineData(0xC0000083u)]
        [InlineData(0xC0000084u)]
        [InlineData(0xC0000100u)]
        [InlineData(0xC0000101u)]
        [InlineData(0xC0000102u)]
        [InlineData(0xC0000103u)]
        public void SyscallSysenterAndSegmentBaseMsrsPassThrough(uint msr) =>
            Assert.Equal(MsrTreatment.PassThrough, MsrPolicy.Treatment(msr));

        [Theory]
        [InlineData(0x0u)]
        [InlineData(0x79u)]                     // BIOS_UPDT_TRIG
        [InlineData(0x9Bu)]                     // SMM_MONITOR_CTL
        [InlineData(0x480u)]                    // VMX capability MSRs
        [InlineData(0x48Du)]
        [InlineData(0xC0010000u)]
        public void EverythingElseIsNotEmulated(uint msr) =>
            Assert.Equal(MsrTreatment.NotEmulated, MsrPolicy.Treatment(msr));

        [Fact]
        public void OnlyTheMsrsTheVmcsDoesNotSwitchAreClearedAtGuestStart()
        {
            List<uint> passThrough = new List<uint>(MsrPolicy.PassThroughMsrs.ToArray());
            List<uint> cleared = new List<uint>(MsrPolicy.ClearedAtGuestStart.ToArray());
            Assert.All(cleared, msr => Assert.Contains(msr, passThrough));
            // SYSENTER_* and FS/GS base are loaded by VM entry from the guest-state area.
            foreach (uint switched in new uint[] { 0x174, 0x175, 0x176, 0xC0000100, 0xC0000101 })
                Assert.DoesNotContain(switched, cleared);
            Assert.Equal(new uint[] { 0xC0000081, 0xC0000082, 0xC0000083, 0xC0000084, 0xC0000102, 0xC0000103 }, Sorted(cleared));
        }

        private static uint[] Sorted(List<uint> list)
        {
            uint[] array = list.ToArray();
            System.Array.Sort(array);
            return array;
        }
    }
}
