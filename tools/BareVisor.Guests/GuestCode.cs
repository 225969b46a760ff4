// Host side. Small code fragments the test guests share, and the constants of the machine as
// BareVisor presents it to a guest.
using System;
using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace BareVisor.Guests;

public static class GuestCode
{
    /// <summary>A port BareVisor does not claim: reads all ones, writes dropped, reported once.</summary>
    public const ushort UnclaimedPort = 0x6F0;

    /// <summary>The POST-code port: BareVisor emulates it silently (docs/guests.md: reads return the last write).</summary>
    public const ushort PostCodePort = 0x80;

    /// <summary>The emulated I/O APIC page: BareVisor handles the EPT violations there.</summary>
    public const uint IoApicBase = 0xFEC00000;

    /// <summary>CPUID.40000000h signature "BareVisor" in EBX, ECX, EDX.</summary>
    public const uint SignatureEbx = 0x65726142; // "Bare"
    public const uint SignatureEcx = 0x6F736956; // "Viso"
    public const uint SignatureEdx = 0x00000072; // "r\0\0\0"

    public const uint HypervisorLeaf = 0x40000000;
    public const uint Leaf1EcxVmx = 1u << 5;
    public const uint Leaf1EcxSmx = 1u << 6;
    public const uint Leaf1EcxXsave = 1u << 26;
    public const uint Leaf1EcxOsxsave = 1u << 27;
    public const uint Leaf1EcxHypervisor = 1u << 31;

    public const uint Cr4Vmxe = 1u << 13;

    /// <summary>"Genu" of GenuineIntel: VT-x means an Intel CPU, and CPUID leaf 0 passes through.</summary>
    public const uint IntelEbx = 0x756E6547;

    /// <summary>MSRs a guest must never reach: each access must raise #GP.</summary>
    public const uint Ia32BiosUpdtTrig = 0x79;
    public const uint Ia32SmmMonitorCtl = 0x9B;
    public const uint Ia32VmxBasic = 0x480;
    public const uint Ia32VmxTruePinbasedCtls = 0x48D;

    /// <summary>CPUID leaf <paramref name="leaf"/> (subleaf 0), then <paramref name="result"/> into EAX (RAX zero-extended).</summary>
    public static Action<Assembler> Cpuid(uint leaf, AssemblerRegister32 result) => a =>
    {
        a.mov(eax, leaf);
        a.xor(ecx, ecx);
        a.cpuid();
        if (result != eax)
            a.mov(eax, result);
    };

    /// <summary>ZF = 1 when CPUID.1:ECX has <paramref name="bit"/> set.</summary>
    public static Action<Assembler> Leaf1EcxHas(uint bit) => a =>
    {
        a.mov(eax, 1u);
        a.xor(ecx, ecx);
        a.cpuid();
        a.not(ecx);
        a.test(ecx, bit);
    };

    /// <summary>WRMSR of 0 to <paramref name="msr"/>.</summary>
    public static Action<Assembler> WriteMsr(uint msr) => a =>
    {
        a.mov(ecx, msr);
        a.xor(eax, eax);
        a.xor(edx, edx);
        a.wrmsr();
    };

    /// <summary>RDMSR of <paramref name="msr"/>.</summary>
    public static Action<Assembler> ReadMsr(uint msr) => a =>
    {
        a.mov(ecx, msr);
        a.rdmsr();
    };
}
