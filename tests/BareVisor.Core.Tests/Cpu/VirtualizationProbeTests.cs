// Host test code.
using System;
using System.Linq;
using System.Text;
using BareVisor.Core.Cpu;
using BareVisor.Core.Tests.Fakes;

namespace BareVisor.Core.Tests.Cpu
{
    public class VirtualizationProbeTests
    {
        // Bochs corei7_skylake_x: BASIC, EPT_VPID_CAP, CR0/CR4_FIXED0 as Bochs reports them; the
        // control MSRs are typical Skylake values.
        private const ulong SkylakeBasic = 0x00d810000000002b;
        private const ulong SkylakeEptVpidCap = 0x00000f0106334141;

        private static CpuidResult Vendor(string vendor)
        {
            byte[] b = Encoding.ASCII.GetBytes(vendor);
            return new CpuidResult(0x16, BitConverter.ToUInt32(b, 0), BitConverter.ToUInt32(b, 8), BitConverter.ToUInt32(b, 4));
        }

        private static void Brand(FakeCpuState s, string brand)
        {
            byte[] b = new byte[48];
            Encoding.ASCII.GetBytes(brand).CopyTo(b, 0);
            for (uint i = 0; i < 3; i++)
            {
                int o = (int)i * 16;
                s.Leaves[0x80000002 + i] = new CpuidResult(BitConverter.ToUInt32(b, o), BitConverter.ToUInt32(b, o + 4),
                    BitConverter.ToUInt32(b, o + 8), BitConverter.ToUInt32(b, o + 12));
            }
        }

        private static FakeCpuState Intel(ulong featureControl, bool hypervisor = false)
        {
            FakeCpuState s = new FakeCpuState();
            s.Leaves[0] = Vendor("GenuineIntel");
            s.Leaves[1] = new CpuidResult(0x00050654, 0, (1u << 5) | (hypervisor ? 1u << 31 : 0), 0);
            s.Leaves[0x80000000] = new CpuidResult(0x80000008, 0, 0, 0);
            s.Leaves[0x80000001] = new CpuidResult(0, 0, 1, 0x2c100800);
            Brand(s, "       Intel(R) Core(TM) i7-7800X CPU @ 3.50GHz");
            s.Msrs[Msr.Ia32FeatureControl] = featureControl;
            return s;
        }

        private static void SkylakeCapabilities(FakeCpuState s)
        {
            s.Msrs[Msr.Ia32VmxBasic] = SkylakeBasic;
            s.Msrs[Msr.Ia32VmxPinbasedCtls] = 0x0000007f00000016;
            s.Msrs[Msr.Ia32VmxProcbasedCtls] = 0xfff9fffe0401e172;
            s.Msrs[Msr.Ia32VmxExitCtls] = 0x01ffffff00036dff;
            s.Msrs[Msr.Ia32VmxEntryCtls] = 0x0003ffff000011ff;
            s.Msrs[Msr.Ia32VmxMisc] = 0x00000000000401e7;
            s.Msrs[Msr.Ia32VmxCr0Fixed0] = 0x80000021;
            s.Msrs[Msr.Ia32VmxCr0Fixed1] = 0xffffffff;
            s.Msrs[Msr.Ia32VmxCr4Fixed0] = 0x2000;
            s.Msrs[Msr.Ia32VmxCr4Fixed1] = 0x003767ff;
            s.Msrs[Msr.Ia32VmxVmcsEnum] = 0x34;
            s.Msrs[Msr.Ia32VmxProcbasedCtls2] = 0x0053bfff00000000;
            s.Msrs[Msr.Ia32VmxEptVpidCap] = SkylakeEptVpidCap;
            s.Msrs[Msr.Ia32VmxTruePinbasedCtls] = 0x0000007f00000016;
            s.Msrs[Msr.Ia32VmxTrueProcbasedCtls] = 0xfff9fffe04006172;
            s.Msrs[Msr.Ia32VmxTrueExitCtls] = 0x01ffffff00036dfb;
            s.Msrs[Msr.Ia32VmxTrueEntryCtls] = 0x0003ffff000011fb;
            s.Msrs[Msr.Ia32VmxVmfunc] = 0x1;
        }

        private static VirtualizationReport Probe(FakeCpuState s)
        {
            FakeCpu cpu = new FakeCpu(s);
            return VirtualizationProbe.Probe(ref cpu);
        }

        [Fact]
        public void BochsSkylakeXWithFirmwareLockedVmx()
        {
            FakeCpuState s = Intel(featureControl: 0x5);
            SkylakeCapabilities(s);
            VirtualizationReport r = Probe(s);
            Assert.True(r.VmxUsable, r.Reason);
            Assert.Equal("", r.Reason);
            Assert.Equal("GenuineIntel", r.Vendor);
            Assert.Equal(6u, r.Family);
            Assert.Equal(0x55u, r.Model);
            Assert.Equal(4u, r.Stepping);
            Assert.Equal("Intel(R) Core(TM) i7-7800X CPU @ 3.50GHz", r.BrandString);
            Assert.True(r.HasVmx);
            Assert.False(r.HasSvm);
            Assert.False(r.Hypervisor);
            Assert.True(r.FeatureControlWasLocked);
            Assert.False(r.FeatureControlLockedHere);
            Assert.Empty(s.Writes);
            Assert.Equal(SkylakeBasic, r.VmxBasic);
            Assert.True(r.TrueControls);
            Assert.Equal(0x2bu, r.VmcsRevision);
            Assert.Equal(4096u, r.VmcsRegionSize);
            Assert.Equal(0xfff9fffe04006172UL, r.ProcBased);   // the TRUE value
            Assert.Equal(0x01ffffff00036dfbUL, r.Exit);
            Assert.Equal(0x0003ffff000011fbUL, r.Entry);
            Assert.Equal(0x0053bfff00000000UL, r.ProcBased2);
            Assert.Equal(SkylakeEptVpidCap, r.EptVpidCap);
            Assert.Equal(0x80000021UL, r.Cr0Fixed0);
            Assert.Equal(0x2000UL, r.Cr4Fixed0);
        }

        // The boot report prints this list: every capability MSR the CPU has, each once, in index
        // order, with the value read (the plain control MSRs as well as their TRUE versions).
        [Fact]
        public void EveryCapabilityMsrIsListedOnceInIndexOrderWithItsValue()
        {
            FakeCpuState s = Intel(featureControl: 0x5);
            SkylakeCapabilities(s);
            VirtualizationReport r = Probe(s);
            uint[] all = Enumerable.Range((int)Msr.Ia32VmxBasic, (int)(Msr.Ia32VmxVmfunc - Msr.Ia32VmxBasic + 1)).Select(i => (uint)i).ToArray();
            Assert.Equal(all, r.CapabilityMsrs.Select(m => m.Index));
            Assert.All(r.CapabilityMsrs, m => Assert.Equal(s.Msrs[m.Index], m.Value));
            Assert.Equal("IA32_VMX_BASIC", r.CapabilityMsrs[0].Name);
            Assert.Equal("IA32_VMX_VMCS_ENUM", r.CapabilityMsrs[10].Name);
            Assert.Equal("IA32_VMX_TRUE_ENTRY_CTLS", r.CapabilityMsrs[16].Name);
            Assert.Equal("IA32_VMX_VMFUNC", r.CapabilityMsrs[17].Name);
            Assert.All(r.CapabilityMsrs, m => Assert.StartsWith("IA32_VMX_", m.Name));
        }

        [Fact]
        public void WithoutVmFunctionsTheVmfuncMsrIsNotRead()
        {
            FakeCpuState s = Intel(featureControl: 0x5);
            SkylakeCapabilities(s);
            s.Msrs[Msr.Ia32VmxProcbasedCtls2] = 0x00539fff00000000; // bit 45 (enable VM functions) clear
            s.Msrs.Remove(Msr.Ia32VmxVmfunc);
            VirtualizationReport r = Probe(s);
            Assert.DoesNotContain(Msr.Ia32VmxVmfunc, s.Reads);
            Assert.Equal(Msr.Ia32VmxTrueEntryCtls, r.CapabilityMsrs[^1].Index);
        }

        [Fact]
        public void WithTertiaryControlsTheirMsrIsReadLast()
        {
            FakeCpuState s = Intel(featureControl: 0x5);
            SkylakeCapabilities(s);
            s.Msrs[Msr.Ia32VmxProcbasedCtls] |= 1UL << 49;
            s.Msrs[Msr.Ia32VmxTrueProcbasedCtls] |= 1UL << 49;
            s.Msrs[Msr.Ia32VmxProcbasedCtls3] = 0xff;
            VirtualizationReport r = Probe(s);
            Assert.Equal(Msr.Ia32VmxProcbasedCtls3, r.CapabilityMsrs[^1].Index);
            Assert.Equal(0xffUL, r.CapabilityMsrs[^1].Value);
            Assert.Equal(19, r.CapabilityMsrs.Count);
        }

        [Fact]
        public void EveryCapabilityMsrIndexHasItsSdmName()
        {
            Assert.Equal("IA32_VMX_EPT_VPID_CAP", Msr.VmxCapabilityName(Msr.Ia32VmxEptVpidCap));
            Assert.Equal("IA32_VMX_TRUE_PINBASED_CTLS", Msr.VmxCapabilityName(Msr.Ia32VmxTruePinbasedCtls));
            Assert.Equal("IA32_VMX_PROCBASED_CTLS3", Msr.VmxCapabilityName(Msr.Ia32VmxProcbasedCtls3));
            Assert.Null(Msr.VmxCapabilityName(Msr.Ia32VmxProcbasedCtls3 + 1));
            Assert.Null(Msr.VmxCapabilityName(Msr.Ia32FeatureControl));
        }

        [Fact]
        public void BasicMsrDecoding()
        {
            Ia32VmxBasic basic = new Ia32VmxBasic(SkylakeBasic);
            Assert.Equal(0x2bu, basic.VmcsRevision);
            Assert.Equal(0x1000u, basic.VmcsRegionSize);
            Assert.Equal(6u, basic.VmcsMemoryType);
            Assert.True(basic.InsOutsReporting);
            Assert.True(basic.TrueControls);
            Assert.False(basic.PhysicalAddressWidth32);
        }

        [Fact]
        public void UnlockedFeatureControlIsLockedWithVmxOn()
        {
            FakeCpuState s = Intel(featureControl: 0);
            SkylakeCapabilities(s);
            VirtualizationReport r = Probe(s);
            Assert.True(r.VmxUsable);
            Assert.False(r.FeatureControlWasLocked);
            Assert.True(r.FeatureControlLockedHere);
            Assert.Equal(new[] { (Msr.Ia32FeatureControl, 0x5UL) }, s.Writes);
            Assert.Equal(0x5UL, r.FeatureControl);
            Ia32FeatureControl fc = new Ia32FeatureControl(r.FeatureControl);
            Assert.True(fc.Locked && fc.VmxOutsideSmx && !fc.VmxInsideSmx);
        }

        [Fact]
        public void UnlockedFeatureControlKeepsOtherBits()
        {
            FakeCpuState s = Intel(featureControl: 0x2 | (1UL << 20));
            SkylakeCapabilities(s);
            VirtualizationReport r = Probe(s);
            Assert.Equal(0x7UL | (1UL << 20), s.Writes[0].Value);
            Assert.True(r.VmxUsable);
        }

        [Fact]
        public void FirmwareLockedVmxOffIsReportedAndNoCapabilityMsrIsRead()
        {
            FakeCpuState s = Intel(featureControl: 0x1);   // no VMX capability MSRs offered: reading one fails the test
            VirtualizationReport r = Probe(s);
            Assert.False(r.VmxUsable);
            Assert.Equal("IA32_FEATURE_CONTROL is locked with VMX disabled (enable VT-x in the firmware setup)", r.Reason);
            Assert.True(r.FeatureControlWasLocked);
            Assert.Empty(s.Writes);
            Assert.Equal(0UL, r.VmxBasic);
        }

        [Fact]
        public void AWriteThatDoesNotStickIsReported()
        {
            FakeCpuState s = Intel(featureControl: 0);
            s.IgnoreWrites = true;
            VirtualizationReport r = Probe(s);
            Assert.False(r.VmxUsable);
            Assert.Contains("did not keep", r.Reason);
        }

        [Fact]
        public void NoVmxMeansNoMsrAccessAtAll()
        {
            FakeCpuState s = Intel(0, hypervisor: true);
            s.Leaves[1] = new CpuidResult(0x00050654, 0, 1u << 31, 0);
            s.Msrs.Clear();
            VirtualizationReport r = Probe(s);
            Assert.False(r.HasVmx);
            Assert.True(r.Hypervisor);
            Assert.False(r.VmxUsable);
            Assert.Equal("CPU has no VMX (CPUID.1:ECX.VMX = 0); running under a hypervisor that does not expose VMX", r.Reason);
            Assert.Empty(s.Reads);
        }

        private static FakeCpuState Amd(bool svm)
        {
            FakeCpuState s = new FakeCpuState();
            s.Leaves[0] = Vendor("AuthenticAMD");
            s.Leaves[1] = new CpuidResult(0x00830F10, 0, 0, 0);
            s.Leaves[0x80000000] = new CpuidResult(0x80000020, 0, 0, 0);
            s.Leaves[0x80000001] = new CpuidResult(0, 0, svm ? 1u << 2 : 0, 0);
            Brand(s, "AMD Ryzen 9 3900X 12-Core Processor            ");
            return s;
        }

        [Fact]
        public void AmdWithSvmGetsOneReadableSentence()
        {
            FakeCpuState s = Amd(svm: true);
            VirtualizationReport r = Probe(s);
            Assert.Equal("AuthenticAMD", r.Vendor);
            Assert.Equal(0x17u, r.Family);
            Assert.Equal(0x31u, r.Model);
            Assert.Equal(0u, r.Stepping);
            Assert.True(r.HasSvm);
            Assert.Equal("AMD Ryzen 9 3900X 12-Core Processor", r.BrandString);
            Assert.Equal("CPU has no VMX (CPUID.1:ECX.VMX = 0); this is an AMD CPU (AMD SVM present)", r.Reason);
            Assert.Empty(s.Reads);
        }

        [Fact]
        public void AmdWithoutSvm()
        {
            VirtualizationReport r = Probe(Amd(svm: false));
            Assert.Equal("CPU has no VMX (CPUID.1:ECX.VMX = 0); this is an AMD CPU (no AMD SVM)", r.Reason);
        }

        [Fact]
        public void WithoutTrueControlsOnlyTheOriginalMsrsAreRead()
        {
            FakeCpuState s = Intel(0x5);
            SkylakeCapabilities(s);
            s.Msrs[Msr.Ia32VmxBasic] = SkylakeBasic & ~(1UL << 55);
            for (uint m = Msr.Ia32VmxTruePinbasedCtls; m <= Msr.Ia32VmxTrueEntryCtls; m++)
                s.Msrs.Remove(m);
            VirtualizationReport r = Probe(s);
            Assert.True(r.VmxUsable);
            Assert.False(r.TrueControls);
            Assert.Equal(0xfff9fffe0401e172UL, r.ProcBased);
            Assert.Equal(0x0000007f00000016UL, r.PinBased);
        }

        [Fact]
        public void WithoutSecondaryControlsNeitherProcBased2NorEptIsRead()
        {
            FakeCpuState s = Intel(0x5);
            SkylakeCapabilities(s);
            s.Msrs[Msr.Ia32VmxProcbasedCtls] = 0x7ff9fffe0401e172;
            s.Msrs[Msr.Ia32VmxTrueProcbasedCtls] = 0x7ff9fffe04006172;
            s.Msrs.Remove(Msr.Ia32VmxProcbasedCtls2);
            s.Msrs.Remove(Msr.Ia32VmxEptVpidCap);
            s.Msrs.Remove(Msr.Ia32VmxVmfunc);
            VirtualizationReport r = Probe(s);
            Assert.True(r.VmxUsable);
            Assert.Equal(0UL, r.ProcBased2);
            Assert.Equal(0UL, r.EptVpidCap);
        }

        [Fact]
        public void WithoutEptAndVpidTheCapabilityMsrIsNotRead()
        {
            FakeCpuState s = Intel(0x5);
            SkylakeCapabilities(s);
            s.Msrs[Msr.Ia32VmxProcbasedCtls2] = 0x0053bfdd00000000; // bits 33 and 37 clear
            s.Msrs.Remove(Msr.Ia32VmxEptVpidCap);
            VirtualizationReport r = Probe(s);
            Assert.Equal(0UL, r.EptVpidCap);
            Assert.DoesNotContain(Msr.Ia32VmxEptVpidCap, s.Reads);
        }

        [Fact]
        public void CpuWithoutLeaf1OrExtendedLeaves()
        {
            FakeCpuState s = new FakeCpuState();
            s.Leaves[0] = new CpuidResult(0, 0x756e6547, 0x6c65746e, 0x49656e69);
            VirtualizationReport r = Probe(s);
            Assert.Equal("GenuineIntel", r.Vendor);
            Assert.False(r.HasVmx);
            Assert.Equal("", r.BrandString);
            Assert.Equal("CPU has no VMX (CPUID.1:ECX.VMX = 0)", r.Reason);
        }

        [Theory]
        [InlineData(0x000306C3u, 6u, 0x3Cu, 3u)]   // Haswell
        [InlineData(0x00000F29u, 0xFu, 2u, 9u)]    // Pentium 4: extended model ignored only when family != 6/F
        [InlineData(0x00A20F10u, 0x19u, 0x21u, 0u)] // Zen 3
        [InlineData(0x00000633u, 6u, 3u, 3u)]      // Pentium II
        [InlineData(0x00010543u, 5u, 4u, 3u)]      // family 5: extended model not applied
        public void DisplayFamilyAndModel(uint eax, uint family, uint model, uint stepping)
        {
            Assert.Equal(family, CpuIdentification.DisplayFamily(eax));
            Assert.Equal(model, CpuIdentification.DisplayModel(eax));
            Assert.Equal(stepping, CpuIdentification.Stepping(eax));
        }
    }
}
