// Host side. "multiboot2": a Multiboot2 kernel that BareVisor runs as a VM of its configuration
// file. It checks what the Multiboot2 spec (section 3.3) promises at entry: the bootloader magic
// 0x36D76289 in EAX and in EBX the physical address of an 8-byte-aligned boot information
// structure in its RAM, whose header (total_size, reserved 0) and tags lead to the end tag exactly
// at total_size, with the basic memory information and the memory map among them.
using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace BareVisor.Guests;

public static class Multiboot2Guest
{
    public const string Name = "multiboot2";

    public const int MemoryMiB = 8;

    /// <summary>What a Multiboot2 loader leaves in EAX.</summary>
    public const uint BootloaderMagic = 0x36D76289;

    private const uint TagEnd = 0, TagBasicMemory = 4, TagMemoryMap = 6;

    public static GuestImage Kernel()
    {
        var p = GuestProgram.Multiboot2Kernel(Name, "Multiboot2 magic and boot information", MemoryMiB);
        ulong info = p.Layout.BootEbx;
        p.CheckEqual("multiboot2-magic", a => a.mov(eax, __dword_ptr[p.Layout.BootEax]), BootloaderMagic);
        p.Check("multiboot2-info-address", a => AllHold(a, fail =>
        {
            a.mov(eax, __dword_ptr[info]);
            a.test(eax, eax);
            a.jz(fail);
            a.test(eax, 7);
            a.jnz(fail);
            a.cmp(eax, (uint)(MemoryMiB << 20) - 16);
            a.jae(fail);
        }), "EBX is not an 8-byte-aligned address in guest RAM");
        p.CheckEqual("multiboot2-info-reserved", a =>
        {
            a.mov(eax, __dword_ptr[info]);
            a.mov(eax, __dword_ptr[eax + 4]);
        }, 0);
        p.Check("multiboot2-info-tags", a => AllHold(a, fail => WalkTags(a, info, fail)),
                "the tags do not end with an end tag at total_size, or lack basic memory (4) or the memory map (6)");
        p.PowerOff(0);
        return p.Build();
    }

    // ZF = 1 when the code falls through, ZF = 0 when it jumps to its fail label.
    private static void AllHold(Assembler a, System.Action<Label> conditions)
    {
        Label fail = a.CreateLabel();
        Label done = a.CreateLabel();
        conditions(fail);
        a.xor(eax, eax);
        a.jmp(done);
        a.Label(ref fail);
        a.or(eax, 1);
        a.Label(ref done);
    }

    // ESI walks the tags (each 8-byte aligned, size >= 8) from info + 8; EDI is info + total_size;
    // EDX collects bit 0 for a basic-memory tag and bit 1 for a memory-map tag.
    private static void WalkTags(Assembler a, ulong info, Label fail)
    {
        Label next = a.CreateLabel();
        Label notBasic = a.CreateLabel();
        Label notMap = a.CreateLabel();
        Label end = a.CreateLabel();
        a.mov(esi, __dword_ptr[info]);
        a.mov(edi, esi);
        a.add(edi, __dword_ptr[esi]);
        a.add(esi, 8);
        a.xor(edx, edx);
        a.Label(ref next);
        a.cmp(esi, edi);
        a.jae(fail);
        a.mov(eax, __dword_ptr[esi]);
        a.mov(ecx, __dword_ptr[esi + 4]);
        a.cmp(eax, TagEnd);
        a.je(end);
        a.cmp(ecx, 8);
        a.jb(fail);
        a.cmp(eax, TagBasicMemory);
        a.jne(notBasic);
        a.or(edx, 1);
        a.Label(ref notBasic);
        a.cmp(eax, TagMemoryMap);
        a.jne(notMap);
        a.or(edx, 2);
        a.Label(ref notMap);
        a.add(ecx, 7);
        a.and(ecx, ~7);
        a.add(esi, ecx);
        a.jmp(next);
        a.Label(ref end);
        a.cmp(ecx, 8);
        a.jne(fail);
        a.add(esi, 8);
        a.cmp(esi, edi);
        a.jne(fail);
        a.cmp(edx, 3);
        a.jne(fail);
    }
}
