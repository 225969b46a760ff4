// Host side. A real-mode guest's timer interrupt: the 8259 pair initialised with the master at
// vector 0x20 and only IRQ 0 unmasked, the 8254's channel 0 at 1 kHz, and a handler that counts
// each interrupt in a word of guest memory and sends the EOI.
using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace BareVisor.Guests;

public static class GuestTimer
{
    /// <summary>Emits the handler and the programming; leaves interrupts disabled (the caller's STI starts the ticks).</summary>
    public static void EmitPitAt1kHz(GuestProgram p, Assembler a, ulong counter)
    {
        Label over = a.CreateLabel();
        a.jmp(over);
        p.Mark("timer-handler");
        a.inc(__word_ptr[counter]);
        a.push(ax);
        a.mov(al, 0x20);
        a.@out(0x20, al);
        a.pop(ax);
        a.iret();
        a.Label(ref over);
        a.cli();
        // IVT entry 0x20: offset in the low word, segment 0 in the high word.
        a.mov(__dword_ptr[0x20 * 4], (uint)p.AddressOf("timer-handler"));
        foreach ((byte port, byte value) in new (byte, byte)[]
        {
            (0x20, 0x11), (0xA0, 0x11), (0x21, 0x20), (0xA1, 0x28), (0x21, 0x04), (0xA1, 0x02),
            (0x21, 0x01), (0xA1, 0x01), (0x21, 0xFE), (0xA1, 0xFF), (0x43, 0x34), (0x40, 0xA9), (0x40, 0x04),
        })
        {
            a.mov(al, value);
            a.@out(port, al);
        }
    }
}
