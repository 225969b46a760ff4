// Pure logic; no hardware. Bits of an x86-64 paging-structure entry (Intel SDM Vol. 3A, 4.5, Tables 4-15 to 4-20).
using System;

namespace BareVisor.Core.Paging
{
    [Flags]
    public enum PageFlags : ulong
    {
        None = 0,
        Present = 1,
        Writable = 2,          // R/W
        User = 4,              // U/S
        WriteThrough = 8,      // PWT
        CacheDisable = 0x10,   // PCD
        Accessed = 0x20,
        Dirty = 0x40,
        LargePage = 0x80,      // PS in a PDPTE/PDE; in a PTE this bit is PAT
        Global = 0x100,
        NoExecute = 1UL << 63, // XD; needs IA32_EFER.NXE
    }
}
