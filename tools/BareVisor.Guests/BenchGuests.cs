// Host side. The benchmark guest: times N round trips of each kind of VM exit with RDTSC (in
// Bochs with clock sync=none a tick is an emulated instruction, so the numbers are exact and
// repeatable) and prints "BENCH <name> <ticks per round trip>", loop overhead included.
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

    /// <summary>A benchmark: its name in "BENCH name ticks" and bench.json, and the loop body.</summary>
    public sealed record Bench(string Name, string What, Action<Assembler> Body);

    /// <summary>Loop counter EBP and start time ESI:EDI survive every body (CPUID and VMCALL clobber EAX..EDX).</summary>
    public static readonly IReadOnlyList<Bench> Benches =
    [
        new("loop", "the timing loop alone (DEC + JNZ)", a => { }),
        new("cpuid", "CPUID leaf 0", a =>
        {
            a.xor(eax, eax);
            a.xor(ecx, ecx);
            a.cpuid();
        }),
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
                Loop(a, bench, WarmUpIterations);
                a.rdtsc();
                a.mov(esi, eax);
                a.mov(edi, edx);
                Loop(a, bench, iterations);
                a.rdtsc();
                a.sub(eax, esi);
                a.sbb(edx, edi);
                a.mov(ecx, (uint)iterations);
                a.div(ecx);
                p.EmitPrint($"BENCH {bench.Name} ");
                p.EmitPrintDecimalAccumulator();
                p.EmitPrint("\n");
            });
        }
        p.PowerOff(0);
        return p.Build();
    }

    private static void Loop(Assembler a, Bench bench, int iterations)
    {
        Label loop = a.CreateLabel();
        a.mov(ebp, (uint)iterations);
        a.Label(ref loop);
        bench.Body(a);
        a.dec(ebp);
        a.jnz(loop);
    }
}
