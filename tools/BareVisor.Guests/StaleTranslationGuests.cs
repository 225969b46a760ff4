// Host side. Two guest modules that run back to back to catch a translation that outlives its VM:
// "tlb-writer" writes a pattern at guest-physical (and, paging off, linear) PatternAddress and
// reads it back, so the CPU caches the translation; then it is destroyed and its memory freed.
// "tlb-reader" runs next with a different memory size, so that the page allocator, first fit,
// backs PatternAddress with another host page (its first 2 MiB come back as a 2 MiB page, the
// rest as 4 KiB pages), while its EPT top-level table, allocated first, is the same page as the
// writer's. A stale combined or guest-physical mapping would then show it the writer's freed page,
// the pattern; its own RAM is zeroed, so it must read 0, then its own value. Bochs 2.7 cannot
// show such a stale translation: these guests pass there even with INVEPT/INVVPID left out and one
// VPID for every VM (tried on purpose), as Bochs drops its TLB between VMs by itself; on CPUs that
// keep VPID- and EPTP-tagged translations across VM exits this is the check that would fail.
using static Iced.Intel.AssemblerRegisters;

namespace BareVisor.Guests;

public static class StaleTranslationGuests
{
    public const string WriterName = "tlb-writer";
    public const string ReaderName = "tlb-reader";

    /// <summary>The start of the second 2 MiB of guest RAM: a 2 MiB page for the writer, a 4 KiB page for the reader.</summary>
    public const uint PatternAddress = 0x200000;

    public const uint WriterPattern = 0x5AFEC0DE;
    public const uint ReaderValue = 0x0C0FFEE0;

    private const int WriterMemoryMiB = 4;
    private const int ReaderMemoryMiB = 3;

    public static GuestImage Writer()
    {
        var p = new GuestProgram(WriterName, GuestMode.Protected, "leaves a pattern in RAM for the next guest not to see", WriterMemoryMiB);
        p.CheckEqual("pattern-written", a =>
        {
            a.mov(__dword_ptr[PatternAddress], WriterPattern);
            a.mov(eax, __dword_ptr[PatternAddress]);
        }, WriterPattern);
        p.PowerOff(0);
        return p.Build();
    }

    public static GuestImage Reader()
    {
        var p = new GuestProgram(ReaderName, GuestMode.Protected, "must see its own zeroed RAM where the writer wrote", ReaderMemoryMiB);
        p.CheckEqual("fresh-ram-at-the-writers-address", a => a.mov(eax, __dword_ptr[PatternAddress]), 0);
        p.CheckEqual("own-value-at-the-writers-address", a =>
        {
            a.mov(__dword_ptr[PatternAddress], ReaderValue);
            a.mov(eax, __dword_ptr[PatternAddress]);
        }, ReaderValue);
        p.PowerOff(0);
        return p.Build();
    }
}
