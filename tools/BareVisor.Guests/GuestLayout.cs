// Host side. Fixed guest-physical addresses a test guest uses besides its own image: slots the
// DSL's checks and exception handlers share, a scratch buffer for checks, and the guest's own
// descriptor tables and TSS. Real mode keeps everything below its image (0x7C00) and above the
// IVT; the other modes use 512 KiB..576 KiB, clear of BareVisor's long-mode page tables (below 0x10000),
// of the stack (below 0x100000) and of the image (from 0x100000).
namespace BareVisor.Guests;

public sealed record GuestLayout
{
    /// <summary>8 bytes: the value a CheckEqual observed, printed after its FAIL line.</summary>
    public ulong Observed { get; init; }

    /// <summary>1 byte: the vector of the last exception (0xFF = none since it was armed).</summary>
    public ulong Vector { get; init; }

    /// <summary>4 bytes: where an expected exception resumes (0 = an exception is unexpected).</summary>
    public ulong Resume { get; init; }

    /// <summary>
    /// 4 bytes: the ring-0 ESP to return to when an exception ends a ring-3 check (protected mode;
    /// 0 = return with IRET to the interrupted code).
    /// </summary>
    public ulong ResumeStack { get; init; }

    /// <summary>The 32-bit TSS (protected mode): ring-0 stack for exceptions raised in ring 3.</summary>
    public ulong Tss { get; init; }

    /// <summary>Top of the ring-0 stack the TSS names, and of the stack ring-3 checks run on.</summary>
    public ulong KernelStackTop { get; init; }

    public ulong UserStackTop { get; init; }

    /// <summary>
    /// The stack a Multiboot kernel starts on (Multiboot leaves ESP undefined): in conventional
    /// RAM below the slots, as the guest's memory map reserves the BIOS area below 1 MiB.
    /// </summary>
    public ulong MultibootStackTop { get; init; }

    /// <summary>4 bytes each: EAX and EBX as the Multiboot loader left them (a Multiboot kernel's magic and information address).</summary>
    public ulong BootEax { get; init; }

    public ulong BootEbx { get; init; }

    /// <summary>10 bytes: the pseudo-descriptor LGDT/LIDT read.</summary>
    public ulong DescriptorPointer { get; init; }

    /// <summary>Start of <see cref="ScratchBytes"/> zeroed bytes that checks may use freely.</summary>
    public ulong Scratch { get; init; }

    public int ScratchBytes { get; init; }

    /// <summary>The guest's GDT (protected and long mode; real mode has none).</summary>
    public ulong Gdt { get; init; }

    /// <summary>The guest's IDT (protected and long mode), or its IVT (real mode, at 0).</summary>
    public ulong Idt { get; init; }

    public static GuestLayout For(GuestMode mode) => mode == GuestMode.Real ? RealMode : Flat;

    private static readonly GuestLayout RealMode = new()
    {
        Observed = 0x500,
        Vector = 0x508,
        Resume = 0x50C,
        ResumeStack = 0x520,
        DescriptorPointer = 0x510,
        Scratch = 0x600,
        ScratchBytes = 0x200,
        Gdt = 0,
        Idt = 0,
    };

    private static readonly GuestLayout Flat = new()
    {
        Observed = 0x80000,
        Vector = 0x80008,
        Resume = 0x8000C,
        ResumeStack = 0x80020,
        DescriptorPointer = 0x80010,
        BootEax = 0x80028,
        BootEbx = 0x8002C,
        Scratch = 0x80100,
        ScratchBytes = 0xF00,
        Gdt = 0x81000,
        Idt = 0x82000,
        Tss = 0x83000,
        UserStackTop = 0x88000,
        MultibootStackTop = 0x80000,
        KernelStackTop = 0x90000,
    };
}
