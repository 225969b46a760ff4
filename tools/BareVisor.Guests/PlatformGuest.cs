// Host side. "platform": a Multiboot1 kernel that BareVisor runs as a VM of its configuration file,
// after the guest modules, the way a QEMU-minded test kernel would run. It checks the platform such
// a kernel relies on: fw_cfg (signature, CPU count, RAM size), the local APIC in xAPIC mode
// (registers; the timer in periodic, one-shot and TSC-deadline mode, each interrupt awaited in HLT)
// and in x2APIC mode (MSR registers, a timer interrupt ended by an EOI through MSR 0x80B), and it
// ends itself through isa-debug-exit. No check compares elapsed time: they are about interrupts
// arriving and registers reading right.
using System;
using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;
using static BareVisor.Guests.GuestCode;

namespace BareVisor.Guests;

public static class PlatformGuest
{
    public const string Name = "platform";

    /// <summary>The VM's memory= in the configuration, which fw_cfg must report.</summary>
    public const int MemoryMiB = 32;

    /// <summary>fw_cfg (QEMU's docs/specs/fw_cfg.rst): the 16-bit selector and 8-bit data ports.</summary>
    public const ushort FwCfgSelectorPort = 0x510;
    public const ushort FwCfgDataPort = 0x511;
    public const ushort FwCfgSignature = 0x0000;
    public const ushort FwCfgRamSize = 0x0003;
    public const ushort FwCfgCpuCount = 0x0005;

    /// <summary>"QEMU" as four bytes read in order into a little-endian dword.</summary>
    public const uint FwCfgSignatureValue = 0x554D4551;

    /// <summary>isa-debug-exit: writing V ends the guest with exit status (V &lt;&lt; 1) | 1.</summary>
    public const byte DebugExitPort = 0xF4;
    public const byte DebugExitValue = 0x10;
    public const int DebugExitStatus = (DebugExitValue << 1) | 1;

    /// <summary>How BareVisor reports the guest's end.</summary>
    public static readonly string DebugExitStop = $"isa-debug-exit with status {DebugExitStatus}";

    /// <summary>Periodic timer interrupts the guest sleeps through.</summary>
    public const int PeriodicTicks = 10;

    public const byte TimerVector = 0x40;

    /// <summary>1 ms of the APIC timer at its 25 MHz clock divided by 1.</summary>
    public const uint TimerCount = 25_000;

    private const uint ApicBase = 0xFEE00000;
    private const uint ApicId = 0x020;
    private const uint ApicVersion = 0x030;
    private const uint ApicTaskPriority = 0x080;
    private const uint ApicEoi = 0x0B0;
    private const uint ApicSpuriousVector = 0x0F0;
    private const uint ApicInServiceVector64 = 0x120;   // ISR bits 95:64
    private const uint ApicLvtTimer = 0x320;
    private const uint ApicInitialCount = 0x380;
    private const uint ApicCurrentCount = 0x390;
    private const uint ApicDivideConfiguration = 0x3E0;

    // x2APIC MSR = 0x800 + xAPIC offset / 16.
    private const uint X2ApicMsrBase = 0x800;

    private const uint Ia32ApicBase = 0x1B;
    private const uint Ia32TscDeadline = 0x6E0;
    private const uint ApicBaseEnable = 1u << 11;
    private const uint ApicBaseX2ApicEnable = 1u << 10;
    private const uint ApicBaseBsp = 1u << 8;

    private const uint Leaf1EcxX2Apic = 1u << 21;
    private const uint Leaf1EcxTscDeadline = 1u << 24;

    private const uint SoftwareEnableSpuriousFF = 0x1FF;
    private const uint DivideBy1 = 0xB;
    private const uint LvtPeriodic = 1u << 17;
    private const uint LvtTscDeadline = 2u << 17;
    private const uint LvtMasked = 1u << 16;

    /// <summary>How long the one-shot check waits (in ms, on the TSC) for a second interrupt that must not come.</summary>
    private const int OneShotQuietMs = 5;

    public static GuestImage Kernel()
    {
        var p = GuestProgram.MultibootKernel(Name, "fw_cfg, local APIC timers, isa-debug-exit", MemoryMiB);
        ulong counter = p.Layout.Scratch;          // timer interrupts taken
        ulong x2ApicMode = p.Layout.Scratch + 4;   // 1: the handler ends interrupts through the x2APIC MSR
        ulong ticksPerMs = p.Layout.Scratch + 8;   // TSC ticks per millisecond, from CPUID 0x15
        ulong periodicCount = p.Layout.Scratch + 12; // the current count after the periodic interrupts
        p.InstallExceptionHandlers();

        p.CheckEqual("fw-cfg-signature", FwCfgRead(FwCfgSignature, 0, 4), FwCfgSignatureValue);
        p.CheckEqual("fw-cfg-cpu-count", FwCfgRead(FwCfgCpuCount, 0, 2), 1);
        p.CheckEqual("fw-cfg-ram-size", FwCfgRead(FwCfgRamSize, 0, 4), (ulong)MemoryMiB << 20);
        p.CheckEqual("fw-cfg-ram-size-high", FwCfgRead(FwCfgRamSize, 4, 4), 0);

        p.CheckEqual("cpuid-x2apic-tsc-deadline", Cpuid(1, ecx), Leaf1EcxX2Apic | Leaf1EcxTscDeadline,
                     mask: Leaf1EcxX2Apic | Leaf1EcxTscDeadline);
        p.CheckEqual("apic-base-msr", ReadMsr(Ia32ApicBase), ApicBase | ApicBaseEnable | ApicBaseBsp,
                     mask: 0xFFFFF000 | ApicBaseEnable | ApicBaseX2ApicEnable | ApicBaseBsp);
        p.CheckEqual("apic-version", a => a.mov(eax, __dword_ptr[ApicBase + ApicVersion]), 0x14, mask: 0xFF);
        p.CheckEqual("apic-id", a => a.mov(eax, __dword_ptr[ApicBase + ApicId]), 0, mask: 0xFF000000);
        p.Check("tsc-frequency", a =>
        {
            Label noRatio = a.CreateLabel();
            a.mov(eax, 0x15u);
            a.xor(ecx, ecx);
            a.cpuid();
            a.mov(esi, eax);                 // denominator
            a.test(esi, esi);
            a.jz(noRatio);
            a.mov(eax, ecx);                 // crystal Hz / 1000 * numerator / denominator
            a.xor(edx, edx);
            a.mov(ecx, 1000u);
            a.div(ecx);
            a.mul(ebx);
            a.div(esi);
            a.Label(ref noRatio);
            a.mov(__dword_ptr[ticksPerMs], eax);
            p.EmitPrint("TSC kHz from CPUID 0x15: ");
            p.EmitPrintDecimalAccumulator();
            p.EmitPrint("\n");
            a.test(eax, eax);
            a.setz(cl);
            a.test(cl, cl);                  // ZF = 1 when the frequency is not 0
        }, "CPUID leaf 0x15 gives no TSC frequency (EAX, EBX or ECX is 0)");

        // The timer handler, IDT entry 0x40 (the IDT grows past the 32 exception vectors), and
        // the APIC enabled with nothing masked by priority.
        p.Emit(a =>
        {
            Label over = a.CreateLabel(), x2 = a.CreateLabel(), done = a.CreateLabel();
            a.jmp(over);
            p.Mark("apic-timer-handler");
            a.push(eax);
            a.push(ecx);
            a.push(edx);
            a.inc(__dword_ptr[counter]);
            a.cmp(__byte_ptr[x2ApicMode], 0);
            a.jne(x2);
            a.mov(__dword_ptr[ApicBase + ApicEoi], 0u);
            a.jmp(done);
            a.Label(ref x2);
            WriteMsr(a, X2ApicMsr(ApicEoi), 0);
            a.Label(ref done);
            a.pop(edx);
            a.pop(ecx);
            a.pop(eax);
            a.iretd();
            a.Label(ref over);

            uint handler = (uint)p.AddressOf("apic-timer-handler");
            ulong gate = p.Layout.Idt + TimerVector * 8UL;
            a.mov(__dword_ptr[gate], 0x00080000u | (handler & 0xFFFF));
            a.mov(__dword_ptr[gate + 4], (handler & 0xFFFF0000) | 0x8E00);
            ulong pointer = p.Layout.DescriptorPointer;
            a.mov(__word_ptr[pointer], (ushort)((TimerVector + 1) * 8 - 1));
            a.mov(__dword_ptr[pointer + 2], (uint)p.Layout.Idt);
            a.lidt(__[pointer]);

            a.mov(__dword_ptr[ApicBase + ApicSpuriousVector], SoftwareEnableSpuriousFF);
            a.mov(__dword_ptr[ApicBase + ApicTaskPriority], 0u);
            a.mov(__dword_ptr[ApicBase + ApicDivideConfiguration], DivideBy1);
        });

        // Periodic: one initial count, PeriodicTicks interrupts; the count reloads after each. The
        // timer is then stopped, and a tick that was already pending is taken with a moment of
        // STI, so that it cannot count for the one-shot below.
        p.Print($"waiting in HLT for {PeriodicTicks} periodic APIC timer interrupts\n");
        p.Emit(a =>
        {
            a.mov(__dword_ptr[counter], 0u);
            a.mov(__dword_ptr[ApicBase + ApicLvtTimer], TimerVector | LvtPeriodic);
            a.mov(__dword_ptr[ApicBase + ApicInitialCount], TimerCount);
            SleepUntil(a, counter, PeriodicTicks);
            a.mov(eax, __dword_ptr[ApicBase + ApicCurrentCount]);
            a.mov(__dword_ptr[periodicCount], eax);
            a.mov(__dword_ptr[ApicBase + ApicInitialCount], 0u);   // stops the timer
            a.mov(__dword_ptr[ApicBase + ApicLvtTimer], LvtMasked | TimerVector);
            a.sti();
            a.nop();
            a.cli();
        });
        p.Check("apic-timer-periodic", a =>
        {
            a.mov(eax, __dword_ptr[periodicCount]);
            a.test(eax, eax);
            a.setz(cl);
            a.test(cl, cl);                  // ZF = 1 when the count is not 0
        }, "the current count read 0 after the interrupts: the timer did not reload");
        p.CheckEqual("apic-eoi-clears-isr", a => a.mov(eax, __dword_ptr[ApicBase + ApicInServiceVector64]), 0, mask: 1);

        // One-shot: one interrupt, then quiet with interrupts on, and the count stays at 0.
        p.Print("waiting in HLT for a one-shot APIC timer interrupt\n");
        p.Emit(a =>
        {
            a.mov(__dword_ptr[counter], 0u);
            a.mov(__dword_ptr[ApicBase + ApicLvtTimer], (uint)TimerVector);
            a.mov(__dword_ptr[ApicBase + ApicInitialCount], TimerCount);
            SleepUntil(a, counter, 1);
            SpinWithInterruptsOn(a, ticksPerMs, OneShotQuietMs);
        });
        p.CheckEqual("apic-timer-one-shot", a => a.mov(eax, __dword_ptr[counter]), 1);
        p.CheckEqual("apic-timer-one-shot-count-zero", a => a.mov(eax, __dword_ptr[ApicBase + ApicCurrentCount]), 0);

        // TSC-deadline: armed 1 ms ahead; firing disarms IA32_TSC_DEADLINE.
        p.Print("waiting in HLT for a TSC-deadline APIC timer interrupt\n");
        p.Emit(a =>
        {
            a.mov(__dword_ptr[counter], 0u);
            a.mov(__dword_ptr[ApicBase + ApicLvtTimer], TimerVector | LvtTscDeadline);
            a.rdtsc();
            a.add(eax, __dword_ptr[ticksPerMs]);
            a.adc(edx, 0);
            a.mov(ecx, Ia32TscDeadline);
            a.wrmsr();
            SleepUntil(a, counter, 1);
        });
        p.CheckEqual("apic-tsc-deadline", a => a.mov(eax, __dword_ptr[counter]), 1);
        p.CheckEqual("tsc-deadline-disarmed", a =>
        {
            a.mov(ecx, Ia32TscDeadline);
            a.rdmsr();
            a.or(eax, edx);
        }, 0);

        // x2APIC: the same APIC through MSRs; the handler now ends interrupts with WRMSR 0x80B.
        p.Emit(a =>
        {
            a.mov(__dword_ptr[ApicBase + ApicLvtTimer], LvtMasked | TimerVector);
            a.mov(ecx, Ia32ApicBase);
            a.rdmsr();
            a.or(eax, ApicBaseX2ApicEnable);
            a.wrmsr();
        });
        p.CheckEqual("x2apic-enabled", ReadMsr(Ia32ApicBase), ApicBaseEnable | ApicBaseX2ApicEnable,
                     mask: ApicBaseEnable | ApicBaseX2ApicEnable);
        p.CheckEqual("x2apic-version", ReadMsr(X2ApicMsr(ApicVersion)), 0x50014);
        p.CheckEqual("x2apic-id", ReadMsr(X2ApicMsr(ApicId)), 0);
        p.Print("waiting in HLT for an x2APIC timer interrupt\n");
        p.Emit(a =>
        {
            a.mov(__byte_ptr[x2ApicMode], 1);
            a.mov(__dword_ptr[counter], 0u);
            WriteMsr(a, X2ApicMsr(ApicSpuriousVector), SoftwareEnableSpuriousFF);
            WriteMsr(a, X2ApicMsr(ApicDivideConfiguration), DivideBy1);
            WriteMsr(a, X2ApicMsr(ApicLvtTimer), TimerVector);
            WriteMsr(a, X2ApicMsr(ApicInitialCount), TimerCount);
            SleepUntil(a, counter, 1);
        });
        p.CheckEqual("x2apic-timer", a => a.mov(eax, __dword_ptr[counter]), 1);
        p.CheckEqual("x2apic-eoi-clears-isr", ReadMsr(X2ApicMsr(ApicInServiceVector64)), 0, mask: 1);

        p.ExpectStop("isa-debug-exit", DebugExitStop, a =>
        {
            a.mov(al, DebugExitValue);
            a.@out(DebugExitPort, al);
        });
        return p.Build();
    }

    private static uint X2ApicMsr(uint xApicOffset) => X2ApicMsrBase + xApicOffset / 16;

    /// <summary>
    /// Selects fw_cfg <paramref name="item"/>, skips <paramref name="skip"/> bytes and reads
    /// <paramref name="bytes"/> (1..4) more into EAX, little-endian.
    /// </summary>
    private static Action<Assembler> FwCfgRead(ushort item, int skip, int bytes) => a =>
    {
        a.mov(dx, FwCfgSelectorPort);
        a.mov(ax, item);
        a.@out(dx, ax);
        a.mov(dx, FwCfgDataPort);
        for (int i = 0; i < skip; i++)
            a.@in(al, dx);
        a.xor(eax, eax);
        // Each byte enters at the bottom and rotates to the top, pushing the earlier ones down.
        for (int i = 0; i < bytes; i++)
        {
            a.@in(al, dx);
            a.ror(eax, 8);
        }
        if (bytes < 4)
            a.shr(eax, (byte)(32 - 8 * bytes));
    };

    private static void WriteMsr(Assembler a, uint msr, uint value)
    {
        a.mov(ecx, msr);
        a.mov(eax, value);
        a.xor(edx, edx);
        a.wrmsr();
    }

    // STI, then HLT until the handler has counted `count` interrupts; returns with interrupts off.
    private static void SleepUntil(Assembler a, ulong counter, int count)
    {
        Label wait = a.CreateLabel();
        a.sti();
        a.Label(ref wait);
        a.hlt();
        a.cmp(__dword_ptr[counter], count);
        a.jb(wait);
        a.cli();
    }

    // Runs with interrupts on for `ms` milliseconds of TSC (low 32 bits: the span is far below
    // 2^32 ticks), so an interrupt that should not come has the time to come.
    private static void SpinWithInterruptsOn(Assembler a, ulong ticksPerMs, int ms)
    {
        Label spin = a.CreateLabel();
        a.mov(ebx, __dword_ptr[ticksPerMs]);
        a.imul(ebx, ebx, ms);
        a.rdtsc();
        a.mov(esi, eax);
        a.sti();
        a.Label(ref spin);
        a.pause();
        a.rdtsc();
        a.sub(eax, esi);
        a.cmp(eax, ebx);
        a.jb(spin);
        a.cli();
    }
}
