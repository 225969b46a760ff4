// What a guest learns from CPUID: the host's answers, minus what BareVisor does not virtualise
// (VMX, SMX, monitor/mwait, EIST and thermal monitoring, performance monitoring), plus the
// emulated local APIC's features, the hypervisor bit and BareVisor's own leaves, with topology of
// one vCPU, XSAVE sizes that match the XCR0 bits the guest may enable, and the TSC's frequency in
// leaves 0x15/0x16. Pure logic; no allocation.
using BareVisor.Core.Cpu;

namespace BareVisor.Core.Vmx.Exits
{
    public static class CpuidPolicy
    {
        public const uint HypervisorBase = 0x40000000;
        public const uint HypervisorMaxLeaf = 0x40000001;
        public const uint HypercallVersion = 0x00010000;

        // "BareVisor\0\0\0" as the three signature registers.
        public const uint SignatureEbx = 0x65726142, SignatureEcx = 0x6F736956, SignatureEdx = 0x00000072;

        // XCR0 components a guest may enable: x87, SSE, AVX.
        public const ulong AllowedXcr0 = 0x7;

        private const uint Leaf1EcxHidden = (1u << 3) | (1u << 5) | (1u << 6) | (1u << 7) | (1u << 8) | (1u << 15); // MONITOR, VMX, SMX, EIST, TM2, PDCM

        // Thermal monitoring and clock control (their MSRs are not emulated): ACPI, TM.
        private const uint Leaf1EdxHidden = (1u << 22) | (1u << 29);

        // The emulated local APIC (Devices/LocalApic) has both modes and the TSC-deadline timer.
        private const uint Leaf1EcxX2Apic = 1u << 21, Leaf1EcxTscDeadline = 1u << 24;
        public const uint Leaf1EdxApic = 1u << 9;
        private const uint Leaf1EcxHypervisor = 1u << 31;
        public const uint Leaf1EcxOsxsave = 1u << 27;
        private const uint Leaf1EcxXsave = 1u << 26;
        public const ulong Cr4Osxsave = 1UL << 18;

        // The core crystal clock leaf 0x15 names: the local APIC timer's input. Linux reads the TSC's
        // frequency from leaf 0x15 as a known frequency (no calibration against the PIT, so no
        // drift from a calibration done on an emulated or busy host) and its APIC timer's from
        // the crystal.
        public const uint CrystalHz = (uint)Devices.LocalApic.TimerHz;
        public const uint TscLeaf = 0x15, FrequencyLeaf = 0x16;

        public static CpuidResult Apply<TPlatform>(ref TPlatform platform, uint leaf, uint subleaf, ulong guestXcr0)
            where TPlatform : struct, IGuestPlatform
        {
            if (leaf >= HypervisorBase && leaf <= 0x4FFFFFFF)
                return HypervisorLeaf(leaf);
            if (leaf == TscLeaf || leaf == FrequencyLeaf)
                return TscFrequency(leaf, platform.TscHz);
            CpuidResult r = platform.HostCpuid(leaf, subleaf);
            switch (leaf)
            {
                case 0:
                    r.Eax = System.Math.Max(r.Eax, FrequencyLeaf);
                    break;
                case 1:
                    // OSXSAVE mirrors the guest's CR4.OSXSAVE; CpuidExit adds it from the VMCS.
                    r.Ecx = (r.Ecx & ~Leaf1EcxHidden & ~Leaf1EcxOsxsave) | Leaf1EcxHypervisor | Leaf1EcxX2Apic | Leaf1EcxTscDeadline;
                    r.Edx = (r.Edx & ~Leaf1EdxHidden) | Leaf1EdxApic;
                    r.Ebx = (r.Ebx & 0x0000FFFF) | (1u << 16);    // one logical processor, APIC id 0
                    break;
                case 4:
                    r.Eax &= 0x3FFF;                                // one core, one thread per cache
                    break;
                case 6:
                    r = default;                                    // no thermal/power management
                    break;
                case 0xA:
                    r = default;                                    // no performance monitoring
                    break;
                case 0xB:
                case 0x1F:
                    r = Topology(subleaf);
                    break;
                case 0xD:
                    r = Xsave(ref platform, subleaf, guestXcr0, r);
                    break;
            }
            return r;
        }

        // The XCR0 components XSETBV accepts: what leaf 0xD tells the guest (the CPU's, limited to
        // AllowedXcr0); none without XSAVE.
        public static ulong SupportedXcr0<TPlatform>(ref TPlatform platform)
            where TPlatform : struct, IGuestPlatform
        {
            if ((platform.HostCpuid(1, 0).Ecx & Leaf1EcxXsave) == 0)
                return 0;
            CpuidResult r = platform.HostCpuid(0xD, 0);
            return ((ulong)r.Edx << 32 | r.Eax) & AllowedXcr0;
        }

        private static CpuidResult HypervisorLeaf(uint leaf)
        {
            CpuidResult r = default;
            if (leaf == HypervisorBase)
            {
                r.Eax = HypervisorMaxLeaf;
                r.Ebx = SignatureEbx;
                r.Ecx = SignatureEcx;
                r.Edx = SignatureEdx;
            }
            else if (leaf == HypervisorMaxLeaf)
            {
                r.Eax = HypercallVersion;
                r.Ebx = VmcallExit.Features;
            }
            return r;
        }

        // Leaf 0x15: TSC = crystal x EBX / EAX, exact to 1 kHz. Leaf 0x16: base and maximum
        // frequency (the TSC's) and the reference (crystal) frequency in MHz.
        private static CpuidResult TscFrequency(uint leaf, ulong tscHz)
        {
            CpuidResult r = default;
            if (leaf == TscLeaf)
            {
                r.Eax = CrystalHz / 1000;
                r.Ebx = (uint)System.Math.Min(tscHz / 1000, uint.MaxValue);
                r.Ecx = CrystalHz;
            }
            else
            {
                r.Eax = r.Ebx = (uint)System.Math.Min(tscHz / 1000000, 0xFFFF);
                r.Ecx = CrystalHz / 1000000;
            }
            return r;
        }

        // One vCPU: SMT level with one thread, core level with one core, x2APIC id 0.
        private static CpuidResult Topology(uint subleaf)
        {
            CpuidResult r = default;
            r.Ecx = subleaf & 0xFF;
            if (subleaf == 0)
            {
                r.Ebx = 1;
                r.Ecx |= 1u << 8;
            }
            else if (subleaf == 1)
            {
                r.Ebx = 1;
                r.Ecx |= 2u << 8;
            }
            return r;
        }

        // Leaf 0xD: supported components limited to AllowedXcr0; sizes for the guest's XCR0.
        private static CpuidResult Xsave<TPlatform>(ref TPlatform platform, uint subleaf, ulong guestXcr0, CpuidResult host)
            where TPlatform : struct, IGuestPlatform
        {
            // The supported components are subleaf 0's EDX:EAX; other subleaves hold sizes and offsets.
            CpuidResult main = subleaf == 0 ? host : platform.HostCpuid(0xD, 0);
            ulong supported = ((ulong)main.Edx << 32 | main.Eax) & AllowedXcr0;
            if (subleaf == 0)
            {
                host.Eax = (uint)supported;
                host.Edx = 0;
                host.Ebx = XsaveSize(ref platform, guestXcr0 & supported);
                host.Ecx = XsaveSize(ref platform, supported);
                return host;
            }
            if (subleaf == 1)
            {
                host.Eax &= 1;                                      // XSAVEOPT only
                host.Ebx = host.Ecx = host.Edx = 0;
                return host;
            }
            return subleaf < 64 && (supported & (1UL << (int)subleaf)) != 0 ? host : default;
        }

        // The legacy area and header (576 bytes), then each enabled component's extent.
        private static uint XsaveSize<TPlatform>(ref TPlatform platform, ulong components)
            where TPlatform : struct, IGuestPlatform
        {
            uint size = 576;
            for (uint i = 2; i < 64; i++)
            {
                if ((components & (1UL << (int)i)) == 0)
                    continue;
                CpuidResult component = platform.HostCpuid(0xD, i);
                size = System.Math.Max(size, component.Ebx + component.Eax);
            }
            return size;
        }
    }
}
