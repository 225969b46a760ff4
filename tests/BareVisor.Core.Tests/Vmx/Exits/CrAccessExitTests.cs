// Host test code. Control-register exits (SDM Vol. 3C "Exit Qualification for Control-Register
// Accesses"; Vol. 2B MOV CR, CLTS, LMSW): BareVisor owns CR0.NE and CR4.VMXE, the guest sees its
// own values through the read shadows; MOV to CR0 follows the CPU's rules, including entering and
// leaving IA-32e mode; CR8 is the guest's TPR.
using BareVisor.Core.Guests;
using BareVisor.Core.Vmx;
using BareVisor.Core.Vmx.Exits;

namespace BareVisor.Core.Tests.Vmx.Exits
{
    public class CrAccessExitTests
    {
        private const ulong Pe = 1, Mp = 2, Em = 4, Ts = 8, Et = 0x10, Ne = 0x20, Wp = 1UL << 16;
        private const ulong Nw = 1UL << 29, Cd = 1UL << 30, Pg = 1UL << 31;
        private const ulong Pae = 1UL << 5, Vmxe = 1UL << 13, Osxsave = 1UL << 18;
        private const ulong Lme = 1UL << 8, Lma = 1UL << 10;
        private const ulong CsL = 1UL << 13, CsDb = 1UL << 14;
        private const uint Ia32eModeGuest = 1u << 9;

        private static ulong MovToCr(int cr, int gpr) => (ulong)(uint)cr | ((ulong)(uint)gpr << 8);
        private static ulong MovFromCr(int cr, int gpr) => (ulong)(uint)cr | (1UL << 4) | ((ulong)(uint)gpr << 8);
        private const ulong Clts = 2UL << 4;
        private static ulong Lmsw(ushort data) => (3UL << 4) | ((ulong)data << 16);

        private static ExitAction WriteCr(VcpuHarness h, int cr, ulong value, int gpr = 0)
        {
            if (gpr == 4)
                h.Set(VmcsFieldNatural.GuestRsp, value);
            else
                h.Regs.Set(gpr, value);
            return h.Exit(ExitReason.ControlRegisterAccesses, MovToCr(cr, gpr), 3);
        }

        [Fact]
        public void MovToCr0KeepsNeForVmxAndShowsTheGuestItsOwnValue()
        {
            using VcpuHarness h = new VcpuHarness();
            Assert.Equal(ExitAction.Resume, WriteCr(h, 0, Pe | Et | Ne | Mp));
            Assert.Equal(Pe | Et | Ne | Mp, h.Get(VmcsFieldNatural.Cr0ReadShadow));
            Assert.Equal(Pe | Et | Ne | Mp, h.Get(VmcsFieldNatural.GuestCr0));
            Assert.Equal(VcpuHarness.Entry + 3, h.Rip);

            WriteCr(h, 0, Pe | Et);     // the guest clears NE: it reads back 0, VMX keeps it 1
            Assert.Equal(Pe | Et, h.Get(VmcsFieldNatural.Cr0ReadShadow));
            Assert.Equal(Pe | Et | Ne, h.Get(VmcsFieldNatural.GuestCr0));
            h.AssertNothingInjected();
        }

        [Fact]
        public void TheGuestHostMasksAreExactlyNeAndVmxe()
        {
            using VcpuHarness h = new VcpuHarness();
            Assert.Equal(Ne, h.Get(VmcsFieldNatural.Cr0GuestHostMask));
            Assert.Equal(Vmxe, h.Get(VmcsFieldNatural.Cr4GuestHostMask));
            Assert.Equal(Ne, CrAccessExit.Cr0OwnedBits);
            Assert.Equal(Vmxe, CrAccessExit.Cr4OwnedBits);
        }

        [Theory]
        [InlineData(Pg | Et | Ne)]              // PG without PE
        [InlineData(Pe | Nw | Ne)]              // NW without CD
        public void InvalidCr0CombinationsRaiseGp(ulong value)
        {
            using VcpuHarness h = new VcpuHarness();
            ulong cr0 = h.Get(VmcsFieldNatural.GuestCr0), shadow = h.Get(VmcsFieldNatural.Cr0ReadShadow);
            Assert.Equal(ExitAction.Resume, WriteCr(h, 0, value));
            h.AssertInjected(ExceptionVectors.GeneralProtection, 0);
            Assert.Equal(cr0, h.Get(VmcsFieldNatural.GuestCr0));
            Assert.Equal(shadow, h.Get(VmcsFieldNatural.Cr0ReadShadow));
            Assert.Equal(VcpuHarness.Entry, h.Rip);
        }

        [Fact]
        public void CdWithNwIsFine()
        {
            using VcpuHarness h = new VcpuHarness();
            WriteCr(h, 0, Pe | Et | Ne | Cd | Nw);
            h.AssertNothingInjected();
            Assert.Equal(Pe | Et | Ne | Cd | Nw, h.Get(VmcsFieldNatural.GuestCr0));
        }

        [Fact]
        public void In64BitModeSettingCr0Bits63To32RaisesGp()
        {
            using VcpuHarness h = new VcpuHarness(GuestStartMode.Long);
            WriteCr(h, 0, (1UL << 32) | Pg | Pe | Et | Ne | Wp);
            h.AssertInjected(ExceptionVectors.GeneralProtection, 0);
        }

        [Fact]
        public void OutsideLongModeOnlyTheLow32BitsOfTheRegisterAreTheOperand()
        {
            using VcpuHarness h = new VcpuHarness();
            WriteCr(h, 0, 0xFFFFFFFF_00000000 | Pe | Et | Ne, gpr: 3);
            h.AssertNothingInjected();
            Assert.Equal(Pe | Et | Ne, h.Get(VmcsFieldNatural.Cr0ReadShadow));
        }

        [Fact]
        public void EnablingPagingWithLmeEntersIa32eMode()
        {
            // What a 32-bit loader (Linux's startup_32 among them) does: PAE on, EFER.LME on, then CR0 with
            // PG and NE in one write. NE makes it exit; the handler must do what the CPU would: EFER.LMA
            // and the "IA-32e mode guest" entry control, or the next VM entry fails (SDM Vol. 3C 27.3.1.1).
            using VcpuHarness h = new VcpuHarness();
            h.Set(VmcsFieldNatural.GuestCr4, h.Get(VmcsFieldNatural.GuestCr4) | Pae);
            h.Set(VmcsField64.GuestIa32Efer, Lme);
            Assert.Equal(ExitAction.Resume, WriteCr(h, 0, Pg | Pe | Et | Ne | Wp));
            h.AssertNothingInjected();
            Assert.Equal(Lme | Lma, h.Get(VmcsField64.GuestIa32Efer));
            Assert.Equal(Ia32eModeGuest, h.Get(VmcsField32.VmEntryControls) & Ia32eModeGuest);
            Assert.Equal(Pg | Pe | Et | Ne | Wp, h.Get(VmcsFieldNatural.GuestCr0));
        }

        [Fact]
        public void EnablingPagingWithLmeButNoPaeRaisesGp()
        {
            using VcpuHarness h = new VcpuHarness();
            h.Set(VmcsField64.GuestIa32Efer, Lme);
            WriteCr(h, 0, Pg | Pe | Et | Ne);
            h.AssertInjected(ExceptionVectors.GeneralProtection, 0);
            Assert.Equal(Lme, h.Get(VmcsField64.GuestIa32Efer));
            Assert.Equal(0UL, h.Get(VmcsField32.VmEntryControls) & Ia32eModeGuest);
            Assert.Equal(0UL, h.Get(VmcsFieldNatural.GuestCr0) & Pg);
        }

        [Fact]
        public void EnablingPagingWithoutLmeStaysOutOfIa32eMode()
        {
            using VcpuHarness h = new VcpuHarness();
            WriteCr(h, 0, Pg | Pe | Et | Ne);
            h.AssertNothingInjected();
            Assert.Equal(0UL, h.Get(VmcsField64.GuestIa32Efer));
            Assert.Equal(0UL, h.Get(VmcsField32.VmEntryControls) & Ia32eModeGuest);
        }

        [Fact]
        public void ClearingPagingInCompatibilityModeLeavesIa32eMode()
        {
            using VcpuHarness h = new VcpuHarness(GuestStartMode.Long);
            h.Set(VmcsField32.GuestCsAccessRights, h.Get(VmcsField32.GuestCsAccessRights) & ~CsL | CsDb);
            WriteCr(h, 0, Pe | Et | Ne);
            h.AssertNothingInjected();
            Assert.Equal(Lme, h.Get(VmcsField64.GuestIa32Efer));
            Assert.Equal(0UL, h.Get(VmcsField32.VmEntryControls) & Ia32eModeGuest);
            Assert.Equal(Pe | Et | Ne, h.Get(VmcsFieldNatural.GuestCr0));
        }

        [Fact]
        public void ClearingPagingIn64BitModeRaisesGp()
        {
            using VcpuHarness h = new VcpuHarness(GuestStartMode.Long);
            WriteCr(h, 0, Pe | Et | Ne);
            h.AssertInjected(ExceptionVectors.GeneralProtection, 0);
            Assert.Equal(Lme | Lma, h.Get(VmcsField64.GuestIa32Efer));
            Assert.Equal(Ia32eModeGuest, h.Get(VmcsField32.VmEntryControls) & Ia32eModeGuest);
        }

        [Fact]
        public void SettingCr4VmxeRaisesGpBecauseCpuidHidesVmx()
        {
            using VcpuHarness h = new VcpuHarness();
            ulong cr4 = h.Get(VmcsFieldNatural.GuestCr4), shadow = h.Get(VmcsFieldNatural.Cr4ReadShadow);
            Assert.Equal(ExitAction.Resume, WriteCr(h, 4, Vmxe | Pae));
            h.AssertInjected(ExceptionVectors.GeneralProtection, 0);
            Assert.Equal(cr4, h.Get(VmcsFieldNatural.GuestCr4));
            Assert.Equal(shadow, h.Get(VmcsFieldNatural.Cr4ReadShadow));
            Assert.Equal(VcpuHarness.Entry, h.Rip);
        }

        [Fact]
        public void InRealModeTheCr4GpCarriesNoErrorCode()
        {
            using VcpuHarness h = new VcpuHarness(GuestStartMode.Real);
            WriteCr(h, 4, Vmxe);
            h.AssertInjected(ExceptionVectors.GeneralProtection, null);
        }

        [Fact]
        public void Cr4WithoutVmxeKeepsVmxeSetUnderTheShadow()
        {
            using VcpuHarness h = new VcpuHarness();
            WriteCr(h, 4, Pae | Osxsave);
            h.AssertNothingInjected();
            Assert.Equal(Pae | Osxsave, h.Get(VmcsFieldNatural.Cr4ReadShadow));
            Assert.Equal(Pae | Osxsave | Vmxe, h.Get(VmcsFieldNatural.GuestCr4));
        }

        [Fact]
        public void Cr8IsTheGuestsTaskPriority()
        {
            using VcpuHarness h = new VcpuHarness(GuestStartMode.Long);
            Assert.Equal(ExitAction.Resume, WriteCr(h, 8, 0x9, gpr: 3));
            Assert.Equal(0x9UL, h.Platform.Devices.Apic.Cr8);
            h.Regs.R15 = ulong.MaxValue;
            Assert.Equal(ExitAction.Resume, h.Exit(ExitReason.ControlRegisterAccesses, MovFromCr(8, 15), 4));
            Assert.Equal(0x9UL, h.Regs.R15);
            Assert.Equal(VcpuHarness.Entry + 7, h.Rip);
        }

        [Theory]
        [InlineData(16UL)]
        [InlineData(0x1_0000_0000UL)]
        public void Cr8AboveFifteenRaisesGp(ulong value)
        {
            using VcpuHarness h = new VcpuHarness(GuestStartMode.Long);
            h.Platform.Devices.Apic.Cr8 = 2;
            WriteCr(h, 8, value);
            h.AssertInjected(ExceptionVectors.GeneralProtection, 0);
            Assert.Equal(2UL, h.Platform.Devices.Apic.Cr8);
            Assert.Equal(VcpuHarness.Entry, h.Rip);
        }

        [Theory]
        [InlineData(0)]
        [InlineData(1)]
        [InlineData(2)]
        [InlineData(3)]
        [InlineData(4)]
        [InlineData(5)]
        [InlineData(6)]
        [InlineData(7)]
        [InlineData(8)]
        [InlineData(9)]
        [InlineData(10)]
        [InlineData(11)]
        [InlineData(12)]
        [InlineData(13)]
        [InlineData(14)]
        [InlineData(15)]
        public void TheQualificationsRegisterNumberPicksTheSdmsRegister(int gpr)
        {
            // 0 RAX, 1 RCX, 2 RDX, 3 RBX, 4 RSP (in the VMCS), 5 RBP, 6 RSI, 7 RDI, 8-15 R8-R15. Every other
            // register holds a value MOV to CR8 would refuse, so only the right one gives TPR 9.
            using VcpuHarness h = new VcpuHarness(GuestStartMode.Long);
            for (int i = 0; i < 16; i++)
                h.Regs.Set(i, 1000 + (ulong)i);
            h.Set(VmcsFieldNatural.GuestRsp, 1004);
            WriteCr(h, 8, 9, gpr);
            h.AssertNothingInjected();
            Assert.Equal(9UL, h.Platform.Devices.Apic.Cr8);

            using VcpuHarness r = new VcpuHarness(GuestStartMode.Long);
            r.Platform.Devices.Apic.Cr8 = 7;
            r.Exit(ExitReason.ControlRegisterAccesses, MovFromCr(8, gpr), 4);
            ulong read = gpr == 4 ? r.Get(VmcsFieldNatural.GuestRsp) : RegisterByName(r, gpr);
            Assert.Equal(7UL, read);
        }

        private static ulong RegisterByName(VcpuHarness h, int gpr) => gpr switch
        {
            0 => h.Regs.Rax, 1 => h.Regs.Rcx, 2 => h.Regs.Rdx, 3 => h.Regs.Rbx, 5 => h.Regs.Rbp, 6 => h.Regs.Rsi, 7 => h.Regs.Rdi,
            8 => h.Regs.R8, 9 => h.Regs.R9, 10 => h.Regs.R10, 11 => h.Regs.R11, 12 => h.Regs.R12, 13 => h.Regs.R13, 14 => h.Regs.R14,
            _ => h.Regs.R15,
        };

        [Fact]
        public void AMovFromAnotherControlRegisterStopsTheGuest()
        {
            using VcpuHarness h = new VcpuHarness();
            Assert.Equal(ExitAction.StopGuest, h.Exit(ExitReason.ControlRegisterAccesses, MovFromCr(3, 0), 3));
            Assert.Equal("unexpected MOV from CR exit", h.Vcpu.StopReason);
        }

        [Fact]
        public void CltsClearsTsInCr0AndItsShadow()
        {
            using VcpuHarness h = new VcpuHarness();
            h.Set(VmcsFieldNatural.GuestCr0, Pe | Et | Ne | Ts | Mp);
            h.Set(VmcsFieldNatural.Cr0ReadShadow, Pe | Et | Ts | Mp);
            Assert.Equal(ExitAction.Resume, h.Exit(ExitReason.ControlRegisterAccesses, Clts, 2));
            Assert.Equal(Pe | Et | Ne | Mp, h.Get(VmcsFieldNatural.GuestCr0));
            Assert.Equal(Pe | Et | Mp, h.Get(VmcsFieldNatural.Cr0ReadShadow));
            Assert.Equal(VcpuHarness.Entry + 2, h.Rip);
        }

        [Fact]
        public void LmswLoadsMpEmTsAndCanSetButNotClearPe()
        {
            using VcpuHarness h = new VcpuHarness();    // protected mode: PE = 1
            h.Exit(ExitReason.ControlRegisterAccesses, Lmsw((ushort)(Mp | Ts | 0xFFF0)), 3);   // PE clear, high bits ignored
            Assert.Equal(Pe | Et | Mp | Ts, h.Get(VmcsFieldNatural.Cr0ReadShadow));
            Assert.Equal(Pe | Et | Ne | Mp | Ts, h.Get(VmcsFieldNatural.GuestCr0));

            using VcpuHarness real = new VcpuHarness(GuestStartMode.Real);
            real.Exit(ExitReason.ControlRegisterAccesses, Lmsw((ushort)(Pe | Em)), 3);
            Assert.Equal(Pe | Et | Em, real.Get(VmcsFieldNatural.Cr0ReadShadow));
            Assert.Equal(VcpuHarness.Entry + 3, real.Rip);
        }
    }
}
