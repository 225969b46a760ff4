// Runs at boot or in VMX root, interrupts off; allocates paging structures only through TMem. x86-64 4-level paging (Intel SDM Vol. 3A, 4.5).
using System;
using BareVisor.Core.Memory;

namespace BareVisor.Core.Paging
{
    /// <summary>
    /// Builds and edits a 4-level page table hierarchy (PML4, PDPT, PD, PT). Intermediate entries are
    /// Present|Writable (plus User when a User leaf needs it) and never NoExecute, so the leaf's
    /// flags alone decide the access rights. The caller flushes the TLB after changing live tables.
    /// </summary>
    public struct PageTableBuilder<TMem> where TMem : struct, IPageTableMemory
    {
        public const ulong Size4KiB = 1UL << 12;
        public const ulong Size2MiB = 1UL << 21;
        public const ulong Size1GiB = 1UL << 30;

        private const ulong AddressMask = 0x000F_FFFF_FFFF_F000;   // bits 51:12 (MAXPHYADDR at most 52)
        private const ulong PhysicalLimit = 1UL << 52;
        private const ulong LargePat = 1UL << 12;                  // PAT in a 2 MiB or 1 GiB leaf
        private const ulong SmallPat = 1UL << 7;                   // PAT in a 4 KiB leaf (where PS sits elsewhere)
        private const ulong EffectiveLeafBits = 0x1FF | (ulong)PageFlags.NoExecute;

        private TMem mem;

        /// <summary>The PML4 (what CR3 points at).</summary>
        public HostPhysical Root;

        /// <summary>Whether Map may use 1 GiB pages (CPUID.80000001H:EDX.Page1GB[26]); true unless the kernel clears it.</summary>
        public bool Use1GiBPages;

        public PageTableBuilder(TMem mem)
        {
            this.mem = mem;
            Root = this.mem.AllocateTable();
            Use1GiBPages = true;
        }

        /// <summary>
        /// Maps [va, va + size) to [pa, pa + size) with the leaf flags given (Present is implied).
        /// A bad request (misaligned, empty, non-canonical, beyond 2^52) is a kernel bug and panics.
        /// </summary>
        public void Map(HostVirtual va, HostPhysical pa, ulong size, PageFlags flags, bool allowLargePages)
        {
            if (!TryMap(va, pa, size, flags, allowLargePages))
                throw new InvalidOperationException("page mapping request is misaligned, empty, non-canonical or beyond 2^52");
        }

        /// <summary>Map without the panic: false (and nothing changed) for a request Map would refuse.</summary>
        public bool TryMap(HostVirtual va, HostPhysical pa, ulong size, PageFlags flags, bool allowLargePages)
        {
            if (!IsValidRequest(va.Value, size) || (pa.Value & (Size4KiB - 1)) != 0 || pa.Value >= PhysicalLimit || size > PhysicalLimit - pa.Value)
                return false;
            for (ulong offset = 0; offset < size;)
                offset += MapOne(va.Value + offset, pa.Value + offset, size - offset, flags, allowLargePages);
            return true;
        }

        /// <summary>
        /// Removes the mappings of [va, va + size), splitting large pages that are only partly removed
        /// (e.g. page 0 out of a 2 MiB identity map). False, and nothing changed, for a bad request.
        /// </summary>
        public bool TryUnmap(HostVirtual va, ulong size)
        {
            if (!IsValidRequest(va.Value, size))
                return false;
            for (ulong offset = 0; offset < size;)
                offset += UnmapOne(va.Value + offset, size - offset);
            return true;
        }

        /// <summary>Walks the tables like the CPU: effective Writable/User are the AND, NoExecute the OR of all levels.</summary>
        public bool TryTranslate(HostVirtual va, out HostPhysical pa, out PageFlags effectiveFlags)
        {
            pa = default;
            effectiveFlags = PageFlags.None;
            if (!IsCanonical(va.Value))
                return false;
            Span<ulong> table = mem.Table(Root);
            ulong rights = (ulong)(PageFlags.Writable | PageFlags.User);
            ulong noExecute = 0;
            for (int level = 4; level >= 1; level--)
            {
                ulong entry = table[Index(va.Value, level)];
                if ((entry & (ulong)PageFlags.Present) == 0)
                    return false;
                rights &= entry;
                noExecute |= entry & (ulong)PageFlags.NoExecute;
                if (IsLeaf(entry, level))
                {
                    ulong pageSize = EntrySize(level);
                    pa = new HostPhysical((entry & AddressMask & ~(pageSize - 1)) | (va.Value & (pageSize - 1)));
                    effectiveFlags = EffectiveFlags(entry, level, rights, noExecute);
                    return true;
                }
                table = mem.Table(new HostPhysical(entry & AddressMask));
            }
            return false;
        }

        // Maps one leaf (4 KiB, 2 MiB or 1 GiB) at va and returns its size.
        private ulong MapOne(ulong va, ulong pa, ulong remaining, PageFlags flags, bool allowLargePages)
        {
            Span<ulong> table = mem.Table(Root);
            for (int level = 4; level > 1; level--)
            {
                int index = Index(va, level);
                if (allowLargePages && CanUseLargeLeaf(level, va, pa, remaining, table[index]))
                {
                    table[index] = LeafEntry(pa, flags, level);
                    return EntrySize(level);
                }
                table = NextTable(ref table[index], level, flags);
            }
            table[Index(va, 1)] = LeafEntry(pa, flags, 1);
            return Size4KiB;
        }

        // Clears what maps va and returns how many bytes from va that covered (or skipped, if unmapped).
        private ulong UnmapOne(ulong va, ulong remaining)
        {
            Span<ulong> table = mem.Table(Root);
            for (int level = 4; level >= 1; level--)
            {
                ulong entrySize = EntrySize(level);
                ulong toEntryEnd = entrySize - (va & (entrySize - 1));
                ref ulong entry = ref table[Index(va, level)];
                if ((entry & (ulong)PageFlags.Present) == 0)
                    return Math.Min(remaining, toEntryEnd);
                if (IsLeaf(entry, level) && toEntryEnd == entrySize && remaining >= entrySize)
                {
                    entry = 0;
                    return entrySize;
                }
                table = NextTable(ref entry, level, PageFlags.None);
            }
            return Size4KiB; // not reached: a level-1 entry is always a leaf
        }

        // The table entry points to, creating it if absent or splitting the large page it maps.
        private Span<ulong> NextTable(ref ulong entry, int level, PageFlags leafFlags)
        {
            ulong user = (ulong)(leafFlags & PageFlags.User);
            if ((entry & (ulong)PageFlags.Present) == 0)
            {
                HostPhysical created = mem.AllocateTable();
                entry = created.Value | (ulong)(PageFlags.Present | PageFlags.Writable) | user;
                return mem.Table(created);
            }
            if (IsLeaf(entry, level))
            {
                HostPhysical split = SplitLargePage(entry, level);
                entry = split.Value | (ulong)(PageFlags.Present | PageFlags.Writable) | user | (entry & (ulong)PageFlags.User);
                return mem.Table(split);
            }
            entry |= user;
            return mem.Table(new HostPhysical(entry & AddressMask));
        }

        // A table of 512 smaller leaves that map exactly what the large leaf mapped, with its attributes.
        private HostPhysical SplitLargePage(ulong largeEntry, int level)
        {
            HostPhysical created = mem.AllocateTable();
            Span<ulong> table = mem.Table(created);
            ulong baseAddress = largeEntry & AddressMask & ~(EntrySize(level) - 1);
            ulong attributes = largeEntry & ~(AddressMask & ~LargePat);   // bits 12:0 and 63:52
            if (level == 2)
            {
                // 4 KiB leaves have no PS bit and keep PAT in bit 7 instead of bit 12.
                ulong pat = (attributes & LargePat) != 0 ? SmallPat : 0;
                attributes = (attributes & ~(LargePat | (ulong)PageFlags.LargePage)) | pat;
            }
            ulong childSize = EntrySize(level - 1);
            for (int i = 0; i < 512; i++)
                table[i] = (baseAddress + (ulong)i * childSize) | attributes;
            return created;
        }

        private bool CanUseLargeLeaf(int level, ulong va, ulong pa, ulong remaining, ulong existing)
        {
            if (level > 3 || (level == 3 && !Use1GiBPages))
                return false;
            ulong size = EntrySize(level);
            bool aligned = ((va | pa) & (size - 1)) == 0 && remaining >= size;
            // Never replace a table by a leaf: that would orphan it (and any mapping inside it).
            return aligned && ((existing & (ulong)PageFlags.Present) == 0 || IsLeaf(existing, level));
        }

        private static ulong LeafEntry(ulong pa, PageFlags flags, int level)
        {
            ulong bits = ((ulong)flags & ~AddressMask & ~(ulong)PageFlags.LargePage) | (ulong)PageFlags.Present;
            if (level > 1)
                bits |= (ulong)PageFlags.LargePage;
            return pa | bits;
        }

        private static PageFlags EffectiveFlags(ulong entry, int level, ulong rights, ulong noExecute)
        {
            ulong bits = entry & EffectiveLeafBits & ~(ulong)(PageFlags.Writable | PageFlags.User | PageFlags.NoExecute);
            if (level == 1)
                bits &= ~SmallPat;   // bit 7 of a PTE is PAT, not LargePage
            return (PageFlags)(bits | rights | noExecute);
        }

        private static bool IsLeaf(ulong entry, int level) =>
            level == 1 || (level <= 3 && (entry & (ulong)PageFlags.LargePage) != 0);

        private static ulong EntrySize(int level) => 1UL << (12 + 9 * (level - 1));

        private static int Index(ulong va, int level) => (int)((va >> (12 + 9 * (level - 1))) & 511);

        // Bits 63:47 all equal (48-bit linear addresses).
        private static bool IsCanonical(ulong va)
        {
            long top = (long)va >> 47;
            return top == 0 || top == -1;
        }

        // Page-aligned, non-empty, and every byte in one canonical half of the address space.
        private static bool IsValidRequest(ulong va, ulong size)
        {
            if ((va & (Size4KiB - 1)) != 0 || (size & (Size4KiB - 1)) != 0 || size == 0)
                return false;
            ulong last = va + size - 1;
            return last >= va && IsCanonical(va) && IsCanonical(last) && (va >> 63) == (last >> 63);
        }
    }
}
