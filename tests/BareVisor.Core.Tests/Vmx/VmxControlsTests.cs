// Host test code. Fitting controls to capability MSRs, naming missing bits, CR0/CR4 fixed bits.
using System;
using BareVisor.Core.Cpu;
using BareVisor.Core.Text;
using BareVisor.Core.Vmx;

namespace BareVisor.Core.Tests.Vmx
{
    public class VmxControlsTests
    {
        private static ulong Capability(uint allowed0, uint allowed1) => ((ulong)allowed1 << 32) | allowed0;

        [Fact]
        public void AdjustSetsMustBeOneBitsAndClearsMustBeZeroBits()
        {
            // Pin-based defaults: bits 1, 2, 4 must be 1; only 0-7 may be 1.
            ControlAdjustment a = VmxControls.Adjust(Capability(0x16, 0xFF), 0x1 | 0x100, 0x1);
            Assert.Equal(0x17u, a.Value);
            Assert.True(a.IsSatisfied);
            Assert.Equal(0u, a.MissingRequired);
            Assert.Equal(0x100u, a.DroppedOptional);
            Assert.Equal(0x16u, a.ForcedOn);
        }

        [Fact]
        public void MissingRequiredBitsAreReported()
        {
            uint required = (uint)(SecondaryProcessorBasedControls.EnableEpt | SecondaryProcessorBasedControls.UnrestrictedGuest);
            uint wanted = (uint)SecondaryProcessorBasedControls.EnableVpid;
            ControlAdjustment a = VmxControls.Adjust(Capability(0, (uint)SecondaryProcessorBasedControls.EnableVpid), wanted, required);
            Assert.False(a.IsSatisfied);
            Assert.Equal(required, a.MissingRequired);
            Assert.Equal(wanted, a.Value);
            Assert.Equal(0u, a.DroppedOptional);
        }

        [Fact]
        public void BochsSkylakeTrueControlsFitATypicalRequest()
        {
            // Capability values shaped like Bochs corei7_skylake_x's TRUE pin-based MSR: allowed0 0, allowed1 0x7F.
            ControlAdjustment a = VmxControls.Adjust(Capability(0x00, 0x7F),
                (uint)(PinBasedControls.ExternalInterruptExiting | PinBasedControls.NmiExiting | PinBasedControls.ProcessPostedInterrupts), 0);
            Assert.Equal((uint)(PinBasedControls.ExternalInterruptExiting | PinBasedControls.NmiExiting), a.Value);
            Assert.Equal((uint)PinBasedControls.ProcessPostedInterrupts, a.DroppedOptional);
        }

        [Fact]
        public void MissingBitsAreNamed()
        {
            TextBuffer text = new TextBuffer(stackalloc char[128]);
            uint bits = (uint)(SecondaryProcessorBasedControls.EnableEpt | SecondaryProcessorBasedControls.UnrestrictedGuest) | (1u << 29);
            VmxControls.AppendNames(ref text, VmxControlKind.SecondaryProcessorBased, bits);
            Assert.Equal("EnableEpt, UnrestrictedGuest, Bit29", text.ToString());
            text.Clear();
            VmxControls.AppendNames(ref text, VmxControlKind.Entry, (uint)(EntryControls.Ia32eModeGuest | EntryControls.LoadIa32Efer));
            Assert.Equal("Ia32eModeGuest, LoadIa32Efer", text.ToString());
            text.Clear();
            VmxControls.AppendNames(ref text, VmxControlKind.Exit, 0);
            Assert.Equal("", text.ToString());
        }

        [Theory]
        [InlineData(VmxControlKind.PinBased, false, Msr.Ia32VmxPinbasedCtls)]
        [InlineData(VmxControlKind.PinBased, true, Msr.Ia32VmxTruePinbasedCtls)]
        [InlineData(VmxControlKind.PrimaryProcessorBased, true, Msr.Ia32VmxTrueProcbasedCtls)]
        [InlineData(VmxControlKind.PrimaryProcessorBased, false, Msr.Ia32VmxProcbasedCtls)]
        [InlineData(VmxControlKind.SecondaryProcessorBased, true, Msr.Ia32VmxProcbasedCtls2)]
        [InlineData(VmxControlKind.SecondaryProcessorBased, false, Msr.Ia32VmxProcbasedCtls2)]
        [InlineData(VmxControlKind.Exit, true, Msr.Ia32VmxTrueExitCtls)]
        [InlineData(VmxControlKind.Exit, false, Msr.Ia32VmxExitCtls)]
        [InlineData(VmxControlKind.Entry, true, Msr.Ia32VmxTrueEntryCtls)]
        [InlineData(VmxControlKind.Entry, false, Msr.Ia32VmxEntryCtls)]
        public void CapabilityMsrFollowsBasicBit55(VmxControlKind kind, bool trueControls, uint msr)
        {
            Assert.Equal(msr, VmxControls.CapabilityMsr(kind, trueControls));
            // Bochs corei7_skylake_x's IA32_VMX_BASIC has bit 55 set; the same value without it.
            ulong basic = trueControls ? 0x00d8_1000_0000_002bUL : 0x0058_1000_0000_002bUL;
            Assert.Equal(msr, VmxControls.CapabilityMsr(kind, new Ia32VmxBasic(basic)));
        }

        [Fact]
        public void FixedBitsAreAppliedAndViolationsNamed()
        {
            const ulong cr0Fixed0 = 0x8000_0021, cr0Fixed1 = 0xFFFF_FFFF;
            // GRUB leaves CR0.NE clear and CD/NW set; NE (bit 5) is fixed to 1.
            ulong grubCr0 = 0x6000_0011;
            Assert.Equal(0x8000_0020UL, VmxFixedBits.FixedViolations(grubCr0, cr0Fixed0, cr0Fixed1));
            ulong fixedCr0 = VmxFixedBits.ApplyFixed(grubCr0, cr0Fixed0, cr0Fixed1);
            Assert.Equal(0xE000_0031UL, fixedCr0);
            Assert.Equal(0UL, VmxFixedBits.FixedViolations(fixedCr0, cr0Fixed0, cr0Fixed1));
            // A bit clear in FIXED1 must be 0.
            Assert.Equal(1UL << 32, VmxFixedBits.FixedViolations(0x8000_0021UL | (1UL << 32), cr0Fixed0, cr0Fixed1));
            Assert.Equal(0x8000_0021UL, VmxFixedBits.ApplyFixed(1UL << 32, cr0Fixed0, cr0Fixed1));
        }

        [Fact]
        public void UnrestrictedGuestMayClearPeAndPg()
        {
            ulong fixed0 = VmxFixedBits.UnrestrictedGuestCr0Fixed0(0x8000_0021);
            Assert.Equal(0x20UL, fixed0);
            Assert.Equal(0UL, VmxFixedBits.FixedViolations(0x30, fixed0, 0xFFFF_FFFF));
        }
    }
}
