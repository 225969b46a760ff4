// Host side. The guests that check CPUID under BareVisor as a whole: every leaf and subleaf
// printed for the host test to compare with CpuidPolicy applied to the CPU's own answers, and
// loops on a leaf the exit stub answers without the run loop (its fast path), which must still be
// preempted: stopped at their time limit, and interrupted by their device timers.
using Iced.Intel;
using BareVisor.Core.Cpu;
using static Iced.Intel.AssemblerRegisters;

namespace BareVisor.Guests;

public static class CpuidGuests
{
    /// <summary>The guest's answer lines: "CPUID LEAF SUBLEAF EAX EBX ECX EDX" (hex) before XSAVE is enabled, "CPUID-XSAVE ..." after.</summary>
    public const string AnswerTag = "CPUID", XsaveAnswerTag = "CPUID-XSAVE";

    /// <summary>The line that names the XCR0 the cpuid-leaves guest enabled before its second pass: "XCR0 0x...".</summary>
    public const string Xcr0Tag = "XCR0";

    /// <summary>The hypervisor leaves the guest asks (BareVisor's two, and two above them).</summary>
    public const uint HypervisorLeaves = 4;

    /// <summary>Timer interrupts cpuid-timer waits for while it loops on CPUID.</summary>
    public const int TimerTicks = 10;

    /// <summary>Round trips after which cpuid-timer gives up: about a hundred times what ten 1 ms ticks need in Bochs.</summary>
    public const uint TimerLoopLimit = 100000;

    private const uint Cr4Osxsave = 1u << 18;

    // Leaf 0 is answered by the fast path (CpuidCache.BasicFastMask): the loop never reaches the
    // run loop unless the VMX-preemption timer brings it there.
    public static GuestImage FastPathSpin()
    {
        var p = new GuestProgram("cpuid-spin", GuestMode.Protected, "loops on CPUID leaf 0 forever", memoryMiB: 4, timeLimitSeconds: 1);
        p.ExpectStop("cpuid-spin", TestGuests.TimeLimitStop, a =>
        {
            Label again = a.CreateLabel();
            a.Label(ref again);
            a.xor(eax, eax);
            a.cpuid();
            a.jmp(again);
        });
        return p.Build();
    }

    // With the PIT at 1 kHz and interrupts on, loops on CPUID leaf 0 until its handler counted
    // TimerTicks interrupts, or gives up after TimerLoopLimit round trips.
    public static GuestImage FastPathWithTimer()
    {
        var p = new GuestProgram("cpuid-timer", GuestMode.Real, "PIT interrupts while looping on CPUID leaf 0", memoryMiB: 4);
        ulong counter = p.Layout.Scratch;
        p.Emit(a =>
        {
            Label loop = a.CreateLabel(), done = a.CreateLabel();
            GuestTimer.EmitPitAt1kHz(p, a, counter);
            a.mov(esi, TimerLoopLimit);
            a.sti();
            a.Label(ref loop);
            a.xor(eax, eax);
            a.cpuid();
            a.cmp(__word_ptr[counter], TimerTicks);
            a.jae(done);
            a.dec(esi);
            a.jnz(loop);
            a.Label(ref done);
            a.cli();
        });
        p.Check("timer-interrupts-during-cpuid-loop", a =>
        {
            a.movzx(eax, __word_ptr[counter]);
            a.cmp(eax, TimerTicks);
            a.sbb(eax, eax); // 0 (ZF = 1) when at least TimerTicks interrupts came
        }, $"fewer than {TimerTicks} PIT interrupts in {TimerLoopLimit} CPUID round trips");
        p.PowerOff(0);
        return p.Build();
    }

    // Every leaf of CpuidLeafRange with its subleaves, then BareVisor's leaves; then, with
    // CR4.OSXSAVE set and XCR0 as wide as leaf 0xD allows, leaves 1 and 0xD again (they follow
    // that state).
    public static GuestImage AllLeaves()
    {
        var p = new GuestProgram("cpuid-leaves", GuestMode.Protected, "every CPUID leaf and subleaf, for the host to check", memoryMiB: 4);
        p.InstallExceptionHandlers();
        ulong slots = p.Layout.Scratch;
        p.Emit(a =>
        {
            GuestCode.Cpuid(0, eax)(a);
            a.mov(ecx, CpuidLeafRange.LowestBasicMax);
            a.cmp(eax, ecx);
            a.cmovb(eax, ecx);
            EmitLeaves(p, a, AnswerTag, slots, first: 0);
            GuestCode.Cpuid(CpuidLeafRange.FirstExtended, eax)(a);
            EmitLeaves(p, a, AnswerTag, slots, first: CpuidLeafRange.FirstExtended);
            a.mov(eax, GuestCode.HypervisorLeaf + HypervisorLeaves - 1);
            EmitLeaves(p, a, AnswerTag, slots, first: GuestCode.HypervisorLeaf);

            a.mov(eax, cr4);
            a.or(eax, Cr4Osxsave);
            a.mov(cr4, eax);
            GuestCode.Cpuid(0xD, eax)(a);
            a.xor(edx, edx);
            a.xor(ecx, ecx);
            a.xsetbv();
            p.EmitPrint(Xcr0Tag + " ");
            p.EmitPrintHexAccumulator();
            p.EmitPrint("\n");
            a.mov(eax, 1u);
            EmitLeaves(p, a, XsaveAnswerTag, slots, first: 1);
            a.mov(eax, 0xDu);
            EmitLeaves(p, a, XsaveAnswerTag, slots, first: 0xD);
        });
        p.PowerOff(0);
        return p.Build();
    }

    // Leaves first..EAX, each with CpuidLeafRange.SubleafCount subleaves, one line each. Slots:
    // +0..15 the answer, +16 the last leaf, +20 the subleaf count; EDI the leaf, EBP the subleaf.
    private static void EmitLeaves(GuestProgram p, Assembler a, string tag, ulong slots, uint first)
    {
        Label leaf = a.CreateLabel(), subleaf = a.CreateLabel(), counted = a.CreateLabel(), done = a.CreateLabel();
        a.mov(__dword_ptr[slots + 16], eax);
        a.mov(edi, first);
        a.Label(ref leaf);
        a.cmp(edi, __dword_ptr[slots + 16]);
        a.ja(done);
        a.mov(__dword_ptr[slots + 20], CpuidLeafRange.Subleaves);
        a.cmp(edi, 0xD);
        a.jne(counted);
        a.mov(__dword_ptr[slots + 20], CpuidLeafRange.XsaveSubleaves);
        a.Label(ref counted);
        a.xor(ebp, ebp);
        a.Label(ref subleaf);
        a.mov(eax, edi);
        a.mov(ecx, ebp);
        a.cpuid();
        a.mov(__dword_ptr[slots], eax);
        a.mov(__dword_ptr[slots + 4], ebx);
        a.mov(__dword_ptr[slots + 8], ecx);
        a.mov(__dword_ptr[slots + 12], edx);
        p.EmitPrint(tag + " ");
        a.mov(eax, edi);
        p.EmitPrintHexAccumulator();
        p.EmitPrint(" ");
        a.mov(eax, ebp);
        p.EmitPrintHexAccumulator();
        for (uint register = 0; register < 4; register++)
        {
            p.EmitPrint(" ");
            a.mov(eax, __dword_ptr[slots + register * 4]);
            p.EmitPrintHexAccumulator();
        }
        p.EmitPrint("\n");
        a.inc(ebp);
        a.cmp(ebp, __dword_ptr[slots + 20]);
        a.jb(subleaf);
        a.inc(edi);
        a.jmp(leaf);
        a.Label(ref done);
    }
}
