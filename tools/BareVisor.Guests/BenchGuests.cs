// Host side. The benchmark guest: times N round trips of each kind of VM exit with RDTSC (in
// Bochs with clock sync=none a tick is an emulated instruction, so the numbers are exact and
// repeatable) and prints "BENCH <name> <ticks per round trip>", loop overhead and the check of
// each answer included.
using System;
using System.Collections.Generic;
using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace BareVisor.Guests;

public static class BenchGuests
{
    public const string VmName = "bench";
    public const int DefaultIterations = 1000;

    /// <summary>Untimed round trips before each measurement (first-time paths, "reported once" logs).</summary>
    public const int WarmUpIterations = 16;

    /// <summary>
    /// A benchmark: its name in "BENCH name ticks" and bench.json, the loop body, and a check of
    /// what the body got (ZF = 1 when right), run on every round trip so that a wrong answer
    /// cannot pass for a fast one; null when there is nothing to check.
    /// </summary>
    public sealed record Bench(string Name, string What, Action<Assembler> Body, Action<Assembler> Check = null);

    /// <summary>Loop counter EBP and start time ESI:EDI survive every body (CPUID and VMCALL clobber EAX..EDX).</summary>
    public static readonly IReadOnlyList<Bench> Benches =
    [
        new("loop", "the timing loop alone (DEC + JNZ)", a => { }),
        new("cpuid-fast", "CPUID leaf 0 (answered in the exit stub), EBX checked", a => CpuidBody(a, 0), a => a.cmp(ebx, GuestCode.IntelEbx)),
        new("cpuid-leaf1", "CPUID leaf 1 (answered by the C# handler: OSXSAVE follows CR4), hypervisor bit checked", a => CpuidBody(a, 1),
            a =>
            {
                a.not(ecx);
                a.test(ecx, GuestCode.Leaf1EcxHypervisor);
            }),
        new("cpuid-hv", $"CPUID leaf 0x{GuestCode.HypervisorLeaf:x} (BareVisor's, from the C# handler's cache), EBX checked",
            a => CpuidBody(a, GuestCode.HypervisorLeaf), a => a.cmp(ebx, GuestCode.SignatureEbx)),
        new("vmcall", "VMCALL function 0 (version)", a =>
        {
            a.xor(eax, eax);
            a.vmcall();
        }),
        new("io-out", $"OUT to port 0x{GuestCode.PostCodePort:x} (POST code, emulated by BareVisor)", a =>
        {
            a.@out((byte)GuestCode.PostCodePort, al);
        }),
        new("mmio-read", $"a 32-bit read of the I/O APIC page at 0x{GuestCode.IoApicBase:x} (EPT violation)", a =>
        {
            a.mov(eax, __dword_ptr[GuestCode.IoApicBase]);
        }),
    ];

    private static void CpuidBody(Assembler a, uint leaf)
    {
        a.mov(eax, leaf);
        a.xor(ecx, ecx);
        a.cpuid();
    }

    public static GuestImage Guest(int iterations = DefaultIterations)
    {
        if (iterations < 1)
            throw new ArgumentOutOfRangeException(nameof(iterations));
        var p = new GuestProgram(VmName, GuestMode.Protected, $"{iterations} round trips per benchmark, timed with RDTSC");
        p.InstallExceptionHandlers();
        foreach (Bench bench in Benches)
        {
            p.Print($"bench {bench.Name}: {bench.What}\n");
            p.Emit(a =>
            {
                Label wrong = a.CreateLabel(), next = a.CreateLabel();
                Loop(a, bench, WarmUpIterations, wrong);
                a.rdtsc();
                a.mov(esi, eax);
                a.mov(edi, edx);
                Loop(a, bench, iterations, wrong);
                a.rdtsc();
                a.sub(eax, esi);
                a.sbb(edx, edi);
                a.mov(ecx, (uint)iterations);
                a.div(ecx);
                p.EmitPrint($"BENCH {bench.Name} ");
                p.EmitPrintDecimalAccumulator();
                p.EmitPrint("\n");
                a.jmp(next);
                // No BENCH line then: the benchmark has no result and the run fails.
                a.Label(ref wrong);
                p.EmitPrint($"FAIL {bench.Name}: a round trip got a wrong answer\n");
                a.Label(ref next);
            });
        }
        p.PowerOff(0);
        return p.Build();
    }

    private static void Loop(Assembler a, Bench bench, int iterations, Label wrong)
    {
        Label loop = a.CreateLabel();
        a.mov(ebp, (uint)iterations);
        a.Label(ref loop);
        bench.Body(a);
        if (bench.Check != null)
        {
            bench.Check(a);
            a.jne(wrong);
        }
        a.dec(ebp);
        a.jnz(loop);
    }
}
