// Host side. The subroutines every guest carries after its steps: printing a string, a hex and
// a decimal number on port 0xE9; and the exception handling behind CheckFault. Each exists in
// a 16-, 32- and 64-bit flavour; real-mode code uses 32-bit registers (operand-size prefix) for
// values, which every CPU with VT-x runs.
using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace BareVisor.Guests;

public sealed partial class GuestProgram
{
    private static class Routines
    {
        public const string PrintString = "print-string";
        public const string PrintHex = "print-hex";
        public const string PrintDecimal = "print-decimal";
        public const string ExceptionCommon = "exception-common";
        public const string ExceptionUnexpected = "exception-unexpected";
        public const string ExceptionFromRing3 = "exception-from-ring-3";

        public static string ExceptionStub(int vector) => $"exception-{vector}";
    }

    /// <summary>The vectors for which the CPU pushes an error code in protected and long mode.</summary>
    private static bool HasErrorCode(int vector) => vector is 8 or 10 or 11 or 12 or 13 or 14 or 17 or 21 or 29 or 30;

    private void EmitRoutines()
    {
        EmitPrintStringRoutine();
        EmitPrintHexRoutine();
        EmitPrintDecimalRoutine();
    }

    // SI/ESI/RSI = zero-terminated string (the caller saves it); keeps AX and the flags.
    private void EmitPrintStringRoutine()
    {
        Label loop = Asm.CreateLabel();
        Label done = Asm.CreateLabel();
        Mark(Routines.PrintString);
        PushFlagsAndAccumulator();
        Place(ref loop);
        Asm.lodsb();
        Asm.test(al, al);
        Asm.jz(done);
        Asm.@out(ConsolePort, al);
        Asm.jmp(loop);
        Place(ref done);
        PopAccumulatorAndFlags();
        Asm.ret();
    }

    // EAX (RAX in long mode) as "0x" and hex digits without leading zeros; keeps every register and flag.
    private void EmitPrintHexRoutine()
    {
        bool wide = Mode == GuestMode.Long;
        Label loop = Asm.CreateLabel();
        Label emit = Asm.CreateLabel();
        Label digit = Asm.CreateLabel();
        Label next = Asm.CreateLabel();
        Mark(Routines.PrintHex);
        PushAll();
        if (wide)
            Asm.mov(rdx, rax);
        else
            Asm.mov(edx, eax);
        Asm.mov(al, (byte)'0');
        Asm.@out(ConsolePort, al);
        Asm.mov(al, (byte)'x');
        Asm.@out(ConsolePort, al);
        Asm.mov(ecx, wide ? 16u : 8u);
        Asm.xor(ebx, ebx);
        Place(ref loop);
        if (wide)
            Asm.rol(rdx, 4);
        else
            Asm.rol(edx, 4);
        Asm.mov(al, dl);
        Asm.and(al, 0x0F);
        Asm.cmp(ecx, 1);       // the last digit is always printed
        Asm.je(emit);
        Asm.test(bl, bl);      // BL = 1 once a non-zero digit was printed
        Asm.jnz(emit);
        Asm.test(al, al);
        Asm.jz(next);
        Place(ref emit);
        Asm.mov(bl, 1);
        Asm.cmp(al, 10);
        Asm.jb(digit);
        Asm.add(al, (byte)('a' - 10 - '0'));
        Place(ref digit);
        Asm.add(al, (byte)'0');
        Asm.@out(ConsolePort, al);
        Place(ref next);
        Asm.dec(ecx);
        Asm.jnz(loop);
        PopAll();
        Asm.ret();
    }

    // EAX (RAX in long mode) unsigned in decimal; keeps every register and flag.
    private void EmitPrintDecimalRoutine()
    {
        bool wide = Mode == GuestMode.Long;
        Label divide = Asm.CreateLabel();
        Label print = Asm.CreateLabel();
        Mark(Routines.PrintDecimal);
        PushAll();
        Asm.mov(ebx, 10u);
        Asm.xor(ecx, ecx);
        Place(ref divide);
        Asm.xor(edx, edx);
        if (wide)
        {
            Asm.div(rbx);
            Asm.push(rdx);
        }
        else
        {
            Asm.div(ebx);
            Asm.push(edx);
        }
        Asm.inc(ecx);
        if (wide)
            Asm.test(rax, rax);
        else
            Asm.test(eax, eax);
        Asm.jnz(divide);
        Place(ref print);
        if (wide)
            Asm.pop(rdx);
        else
            Asm.pop(edx);
        Asm.mov(al, dl);
        Asm.add(al, (byte)'0');
        Asm.@out(ConsolePort, al);
        Asm.dec(ecx);
        Asm.jnz(print);
        PopAll();
        Asm.ret();
    }

    private void PushFlagsAndAccumulator()
    {
        switch (Mode)
        {
            case GuestMode.Real: Asm.pushf(); Asm.push(ax); break;
            case GuestMode.Protected: Asm.pushfd(); Asm.push(eax); break;
            default: Asm.pushfq(); Asm.push(rax); break;
        }
    }

    private void PopAccumulatorAndFlags()
    {
        switch (Mode)
        {
            case GuestMode.Real: Asm.pop(ax); Asm.popf(); break;
            case GuestMode.Protected: Asm.pop(eax); Asm.popfd(); break;
            default: Asm.pop(rax); Asm.popfq(); break;
        }
    }

    // Flags and EAX, EBX, ECX, EDX (their 64-bit forms in long mode).
    private void PushAll()
    {
        if (Mode == GuestMode.Long)
        {
            Asm.pushfq();
            Asm.push(rax);
            Asm.push(rbx);
            Asm.push(rcx);
            Asm.push(rdx);
            return;
        }
        if (Mode == GuestMode.Real)
            Asm.pushf();
        else
            Asm.pushfd();
        Asm.push(eax);
        Asm.push(ebx);
        Asm.push(ecx);
        Asm.push(edx);
    }

    private void PopAll()
    {
        if (Mode == GuestMode.Long)
        {
            Asm.pop(rdx);
            Asm.pop(rcx);
            Asm.pop(rbx);
            Asm.pop(rax);
            Asm.popfq();
            return;
        }
        Asm.pop(edx);
        Asm.pop(ecx);
        Asm.pop(ebx);
        Asm.pop(eax);
        if (Mode == GuestMode.Real)
            Asm.popf();
        else
            Asm.popfd();
    }

    // ----- exceptions ------------------------------------------------------------------------

    /// <summary>The InstallExceptionHandlers step: IVT, or GDT + IDT, pointing at the stubs.</summary>
    private void EmitExceptionSetup()
    {
        switch (Mode)
        {
            case GuestMode.Real:
                for (int vector = 0; vector < 32; vector++)
                {
                    ulong handler = AddressOf(Routines.ExceptionStub(vector));
                    RequireRealModeAddress(handler);
                    // IVT entry: offset in the low word, segment 0 in the high word.
                    Asm.mov(__dword_ptr[(ulong)(vector * 4)], (uint)handler);
                }
                break;
            case GuestMode.Protected:
                EmitGdt(0x00CF9A00u);
                for (int vector = 0; vector < 32; vector++)
                {
                    uint handler = (uint)AddressOf(Routines.ExceptionStub(vector));
                    ulong gate = Layout.Idt + (ulong)vector * 8;
                    // 32-bit interrupt gate, DPL 0, present, selector 0x08.
                    Asm.mov(__dword_ptr[gate], 0x00080000u | (handler & 0xFFFF));
                    Asm.mov(__dword_ptr[gate + 4], (handler & 0xFFFF0000) | 0x8E00);
                }
                EmitDescriptorTableLoad(32 * 8 - 1, Layout.Idt, idt: true);
                break;
            default:
                EmitGdt(0x00209A00u);
                for (int vector = 0; vector < 32; vector++)
                {
                    ulong handler = AddressOf(Routines.ExceptionStub(vector));
                    ulong gate = Layout.Idt + (ulong)vector * 16;
                    // 64-bit interrupt gate, IST 0, DPL 0, present, selector 0x08.
                    Asm.mov(__dword_ptr[gate], 0x00080000u | (uint)(handler & 0xFFFF));
                    Asm.mov(__dword_ptr[gate + 4], (uint)(handler & 0xFFFF0000) | 0x8E00);
                    Asm.mov(__dword_ptr[gate + 8], (uint)(handler >> 32));
                    Asm.mov(__dword_ptr[gate + 12], 0u);
                }
                EmitDescriptorTableLoad(32 * 16 - 1, Layout.Idt, idt: true);
                break;
        }
    }

    // Null, code 0x08 (high dword given: 32-bit flat or 64-bit), data 0x10 (flat, writable);
    // in protected mode also ring-3 code 0x18 and data 0x20 and a TSS at 0x28 (its ring-0 stack is
    // where exceptions raised in ring 3 land). Then LGDT, LTR, and the data segment registers
    // reloaded. CS keeps selector 0x08, which the new table describes the same way, so IRET can
    // reload it.
    private void EmitGdt(uint codeHigh)
    {
        bool ring3 = Mode == GuestMode.Protected;
        uint[] entries = ring3
            ? [0, 0, 0x0000FFFF, codeHigh, 0x0000FFFF, 0x00CF9200, 0x0000FFFF, 0x00CFFA00, 0x0000FFFF, 0x00CFF200,
               TssLow(Layout.Tss), TssHigh(Layout.Tss)]
            : [0, 0, 0x0000FFFF, codeHigh, 0x0000FFFF, 0x00CF9200];
        EmitGdtLoad(entries);
        if (!ring3)
            return;
        for (ulong offset = 0; offset < TssBytes; offset += 4)
            Asm.mov(__dword_ptr[Layout.Tss + offset], 0u);
        Asm.mov(__dword_ptr[Layout.Tss + 4], (uint)Layout.KernelStackTop); // ESP0
        Asm.mov(__dword_ptr[Layout.Tss + 8], 0x10u);                       // SS0
        Asm.mov(__word_ptr[Layout.Tss + 102], (ushort)TssBytes);           // no I/O bitmap
        Asm.mov(ax, TssSelector);
        Asm.ltr(ax);
    }

    // The descriptors written to the GDT slot, LGDT, and the data segment registers reloaded.
    private void EmitGdtLoad(uint[] entries)
    {
        for (int i = 0; i < entries.Length; i++)
            Asm.mov(__dword_ptr[Layout.Gdt + (ulong)i * 4], entries[i]);
        EmitDescriptorTableLoad((ushort)(entries.Length * 4 - 1), Layout.Gdt, idt: false);
        Asm.mov(ax, 0x10);
        Asm.mov(ds, ax);
        Asm.mov(es, ax);
        Asm.mov(fs, ax);
        Asm.mov(gs, ax);
        Asm.mov(ss, ax);
    }

    // A Multiboot kernel starts with GDTR undefined and CS some flat code selector of the loader's
    // choosing (BareVisor's is 0x10, which this program's tables use for data): the flat code 0x08
    // and data 0x10 of EmitGdt, then a far return to reload CS. EmitGdt later writes the same two
    // descriptors again, with the ring-3 ones and the TSS.
    private void EmitMultibootSegments()
    {
        const string reloaded = "multiboot-cs-reloaded";
        EmitGdtLoad([0, 0, 0x0000FFFF, 0x00CF9A00u, 0x0000FFFF, 0x00CF9200]);
        Asm.push(0x08);
        Asm.push((int)AddressOf(reloaded));
        Asm.retf();
        Mark(reloaded);
    }

    private const ulong TssBytes = 104;
    private const ushort TssSelector = 0x28;
    private const int UserCodeSelector = 0x1B;
    private const int UserDataSelector = 0x23;

    // A present 32-bit available TSS (type 9, DPL 0) of TssBytes at base.
    private static uint TssLow(ulong tss) => (uint)((tss & 0xFFFF) << 16) | (uint)(TssBytes - 1);

    private static uint TssHigh(ulong tss) => (uint)((tss >> 16) & 0xFF) | 0x8900u | (uint)(tss & 0xFF000000);

    private void EmitDescriptorTableLoad(ushort limit, ulong baseAddress, bool idt)
    {
        ulong pointer = Layout.DescriptorPointer;
        Asm.mov(__word_ptr[pointer], limit);
        Asm.mov(__dword_ptr[pointer + 2], (uint)baseAddress);
        Asm.mov(__dword_ptr[pointer + 6], 0u);
        if (idt)
            Asm.lidt(__[pointer]);
        else
            Asm.lgdt(__[pointer]);
    }

    /// <summary>
    /// One stub per vector (drops the error code, records the vector) and the common part: with a
    /// resume address armed by CheckFault, return there; otherwise report and power off.
    /// </summary>
    private void EmitExceptionHandlers()
    {
        for (int vector = 0; vector < 32; vector++)
        {
            Mark(Routines.ExceptionStub(vector));
            if (HasErrorCode(vector) && Mode == GuestMode.Protected)
                Asm.add(esp, 4);
            else if (HasErrorCode(vector) && Mode == GuestMode.Long)
                Asm.add(rsp, 8);
            Asm.mov(__byte_ptr[Layout.Vector], (byte)vector);
            Asm.jmp(NamedLabel(Routines.ExceptionCommon));
        }

        Mark(Routines.ExceptionCommon);
        Asm.cmp(__dword_ptr[Layout.Resume], 0);
        Asm.je(NamedLabel(Routines.ExceptionUnexpected));
        if (Mode == GuestMode.Protected)
        {
            Asm.cmp(__dword_ptr[Layout.ResumeStack], 0);
            Asm.jne(NamedLabel(Routines.ExceptionFromRing3));
        }
        switch (Mode)
        {
            case GuestMode.Real:
                // Frame: IP, CS, FLAGS (no error codes in real mode).
                Asm.push(bp);
                Asm.mov(bp, sp);
                Asm.push(ax);
                Asm.mov(ax, __word_ptr[Layout.Resume]);
                Asm.mov(__word_ptr[bp + 2], ax);
                Asm.mov(__dword_ptr[Layout.Resume], 0u);
                Asm.pop(ax);
                Asm.pop(bp);
                Asm.iret();
                break;
            case GuestMode.Protected:
                Asm.push(eax);
                Asm.mov(eax, __dword_ptr[Layout.Resume]);
                Asm.mov(__dword_ptr[esp + 4], eax);
                Asm.mov(__dword_ptr[Layout.Resume], 0u);
                Asm.pop(eax);
                Asm.iretd();
                break;
            default:
                Asm.push(rax);
                Asm.mov(eax, __dword_ptr[Layout.Resume]);
                Asm.mov(__qword_ptr[rsp + 8], rax);
                Asm.mov(__dword_ptr[Layout.Resume], 0u);
                Asm.pop(rax);
                Asm.iretq();
                break;
        }

        if (Mode == GuestMode.Protected)
        {
            // A ring-3 check ended (CheckFaultInRing3): continue in ring 0 on the stack it left.
            Mark(Routines.ExceptionFromRing3);
            Asm.mov(eax, __dword_ptr[Layout.Resume]);
            Asm.mov(__dword_ptr[Layout.Resume], 0u);
            Asm.mov(esp, __dword_ptr[Layout.ResumeStack]);
            Asm.mov(__dword_ptr[Layout.ResumeStack], 0u);
            Asm.mov(cx, 0x10);
            Asm.mov(ds, cx);
            Asm.mov(es, cx);
            Asm.mov(fs, cx);
            Asm.mov(gs, cx);
            Asm.jmp(eax);
        }

        Mark(Routines.ExceptionUnexpected);
        switch (Mode)
        {
            case GuestMode.Real:
                Asm.mov(bp, sp);
                Asm.movzx(eax, __word_ptr[bp]);
                Asm.mov(__dword_ptr[Layout.Observed], eax);
                break;
            case GuestMode.Protected:
                Asm.mov(eax, __dword_ptr[esp]);
                Asm.mov(__dword_ptr[Layout.Observed], eax);
                break;
            default:
                Asm.mov(rax, __qword_ptr[rsp]);
                Asm.mov(__qword_ptr[Layout.Observed], rax);
                break;
        }
        EmitPrint("FAIL unexpected-exception: vector ");
        Asm.movzx(eax, __byte_ptr[Layout.Vector]);
        EmitPrintHexAccumulator();
        EmitPrint(" at ");
        EmitPrintObserved();
        EmitPrint("\n");
        EmitPowerOff(UnexpectedExceptionStatus);
    }
}
