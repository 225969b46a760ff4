// Pure logic; no hardware. Runs at guest set-up or in VMX root (remapping on an exit), interrupts
// off; allocates paging structures only through TMem and never throws: a bad request returns false.
// 4-level EPT (Intel SDM Vol. 3C, "EPT Translation Mechanism"; entry formats in the tables
// "Format of an EPT PML4 Entry" ... "Format of an EPT Page-Table Entry that Maps a 4-KByte Page").
using System;
using BareVisor.Core.Memory;
using BareVisor.Core.Paging;

namespace BareVisor.Core.Vmx
{
    /// <summary>
    /// Builds and edits the EPT paging structures that map guest-physical to host-physical memory.
    /// Non-leaf entries allow read, write and execute, so the leaf alone decides the access rights.
    /// The caller runs INVEPT after changing live tables.
    /// </summary>
    public struct EptBuilder<TMem> where TMem : struct, IPageTableMemory
    {
        public const ulong Size4KiB = 1UL << 12;
        public const ulong Size2MiB = 1UL << 21;
        public const ulong Size1GiB = 1UL << 30;

        /// <summary>A 4-level walk translates guest-physical addresses below 2^48.</summary>
        public const ulong GuestPhysicalLimit = 1UL << 48;

        private const ulong HostPhysicalLimit = 1UL << 52;
        private const ulong AddressMask = 0x000F_FFFF_FFFF_F000;    // bits 51:12
        private const ulong AccessMask = (ulong)EptAccess.All;       // bits 2:0
        private const int MemoryTypeShift = 3;                       // bits 5:3 of a leaf
        private const ulong MemoryTypeMask = 7UL << MemoryTypeShift;
        private const ulong IgnorePatBit = 1UL << 6;
        private const ulong LargePageBit = 1UL << 7;                 // in a PDPTE or PDE: maps a page

        private TMem mem;

        /// <summary>The EPT PML4 (what the EPTP points at).</summary>
        public HostPhysical Root;

        /// <summary>May map 2 MiB pages (IA32_VMX_EPT_VPID_CAP bit 16).</summary>
        public bool Use2MiBPages;

        /// <summary>May map 1 GiB pages (IA32_VMX_EPT_VPID_CAP bit 17); used only together with Use2MiBPages, since splitting one makes 2 MiB pages.</summary>
        public bool Use1GiBPages;

        /// <summary>Execute without read is allowed (IA32_VMX_EPT_VPID_CAP bit 0); otherwise TryMap refuses it.</summary>
        public bool AllowExecuteOnly;

        public EptBuilder(TMem mem)
        {
            this.mem = mem;
            Root = this.mem.AllocateTable();
            Use2MiBPages = false;
            Use1GiBPages = false;
            AllowExecuteOnly = false;
        }

        /// <summary>Sets the page-size and execute-only flags from IA32_VMX_EPT_VPID_CAP.</summary>
        public void UseCapabilities(Ia32VmxEptVpidCap capabilities)
        {
            Use2MiBPages = capabilities.Pde2MiBPages;
            Use1GiBPages = capabilities.Pdpte1GiBPages;
            AllowExecuteOnly = capabilities.ExecuteOnly;
        }

        /// <summary>
        /// Maps [guest, guest + size) to [host, host + size) with the access rights and memory type
        /// given, replacing what was mapped there (large pages are split as needed). False, and nothing
        /// changed, for a misaligned or empty range, one beyond 2^48 (guest) or 2^52 (host), write
        /// without read, execute-only without AllowExecuteOnly, or a reserved memory type.
        /// </summary>
        public bool TryMap(GuestPhysical guest, HostPhysical host, ulong size, EptAccess access, EptMemoryType memoryType, bool ignorePat = false)
        {
            if (!IsValidGuestRange(guest.Value, size) || !IsValidHostRange(host.Value, size)
                || !IsValidAccess(access) || !IsValidMemoryType(memoryType))
                return false;
            ulong attributes = (ulong)access | ((ulong)memoryType << MemoryTypeShift) | (ignorePat ? IgnorePatBit : 0);
            for (ulong offset = 0; offset < size;)
                offset += MapOne(guest.Value + offset, host.Value + offset, size - offset, attributes);
            return true;
        }

        /// <summary>
        /// Removes the mappings of [guest, guest + size), splitting large pages that are only partly
        /// removed. False, and nothing changed, for a misaligned, empty or out-of-range request.
        /// </summary>
        public bool TryUnmap(GuestPhysical guest, ulong size)
        {
            if (!IsValidGuestRange(guest.Value, size))
                return false;
            for (ulong offset = 0; offset < size;)
                offset += UnmapOne(guest.Value + offset, size - offset);
            return true;
        }

        /// <summary>Walks the tables like the CPU: the access rights are the AND of all levels, the memory type is the leaf's.</summary>
        public bool TryTranslate(GuestPhysical guest, out HostPhysical host, out EptAccess access, out EptMemoryType memoryType)
        {
            host = default;
            access = EptAccess.None;
            memoryType = EptMemoryType.Uncacheable;
            if (guest.Value >= GuestPhysicalLimit)
                return false;
            Span<ulong> table = mem.Table(Root);
            ulong rights = AccessMask;
            for (int level = 4; level >= 1; level--)
            {
                ulong entry = table[Index(guest.Value, level)];
                if (!IsPresent(entry))
                    return false;
                rights &= entry;
                if (IsLeaf(entry, level))
                {
                    ulong pageSize = EntrySize(level);
                    host = new HostPhysical((entry & AddressMask & ~(pageSize - 1)) | (guest.Value & (pageSize - 1)));
                    access = (EptAccess)(rights & AccessMask);
                    memoryType = (EptMemoryType)((entry & MemoryTypeMask) >> MemoryTypeShift);
                    return true;
                }
                table = mem.Table(new HostPhysical(entry & AddressMask));
            }
            return false;
        }

        /// <summary>
        /// The EPT pointer for the VMCS: Root, write-back paging structures (bits 2:0 = 6), page-walk
        /// length 4 (bits 5:3 = 3), and bit 6 when the CPU is to set accessed and dirty flags.
        /// </summary>
        public ulong Eptp(bool enableAccessDirty) =>
            Root.Value | (3UL << 3) | (ulong)EptMemoryType.WriteBack | (enableAccessDirty ? 1UL << 6 : 0);

        // Maps one leaf (4 KiB, 2 MiB or 1 GiB) at guest and returns its size.
        private ulong MapOne(ulong guest, ulong host, ulong remaining, ulong attributes)
        {
            Span<ulong> table = mem.Table(Root);
            for (int level = 4; level > 1; level--)
            {
                int index = Index(guest, level);
                if (CanUseLargeLeaf(level, guest, host, remaining, table[index]))
                {
                    table[index] = host | attributes | LargePageBit;
                    return EntrySize(level);
                }
                table = NextTable(ref table[index], level);
            }
            table[Index(guest, 1)] = host | attributes;
            return Size4KiB;
        }

        // Clears what maps guest and returns how many bytes from guest that covered (or skipped, if unmapped).
        private ulong UnmapOne(ulong guest, ulong remaining)
        {
            Span<ulong> table = mem.Table(Root);
            for (int level = 4; level >= 1; level--)
            {
                ulong entrySize = EntrySize(level);
                ulong toEntryEnd = entrySize - (guest & (entrySize - 1));
                ref ulong entry = ref table[Index(guest, level)];
                if (!IsPresent(entry))
                    return Math.Min(remaining, toEntryEnd);
                if (IsLeaf(entry, level) && toEntryEnd == entrySize && remaining >= entrySize)
                {
                    entry = 0;
                    return entrySize;
                }
                table = NextTable(ref entry, level);
            }
            return Size4KiB; // not reached: a level-1 entry is always a leaf
        }

        // The table entry points to, creating it if absent or splitting the large page it maps.
        private Span<ulong> NextTable(ref ulong entry, int level)
        {
            if (!IsPresent(entry))
            {
                HostPhysical created = mem.AllocateTable();
                entry = created.Value | AccessMask;
                return mem.Table(created);
            }
            if (IsLeaf(entry, level))
            {
                HostPhysical split = SplitLargePage(entry, level);
                entry = split.Value | AccessMask;
                return mem.Table(split);
            }
            return mem.Table(new HostPhysical(entry & AddressMask));
        }

        // A table of 512 smaller leaves mapping exactly what the large leaf mapped, with its attributes.
        private HostPhysical SplitLargePage(ulong largeEntry, int level)
        {
            HostPhysical created = mem.AllocateTable();
            Span<ulong> table = mem.Table(created);
            ulong baseAddress = largeEntry & AddressMask;
            ulong attributes = largeEntry & ~AddressMask;   // rights, type, ignore PAT, A/D, suppress #VE
            if (level == 2)
                attributes &= ~LargePageBit;                // 4 KiB leaves have no page-size bit
            ulong childSize = EntrySize(level - 1);
            for (int i = 0; i < 512; i++)
                table[i] = (baseAddress + (ulong)i * childSize) | attributes;
            return created;
        }

        private bool CanUseLargeLeaf(int level, ulong guest, ulong host, ulong remaining, ulong existing)
        {
            bool allowed = (level == 2 && Use2MiBPages) || (level == 3 && Use1GiBPages && Use2MiBPages);
            ulong size = EntrySize(level);
            bool aligned = ((guest | host) & (size - 1)) == 0 && remaining >= size;
            // Never replace a table by a leaf: that would orphan it (and the mappings inside it).
            return allowed && aligned && (!IsPresent(existing) || IsLeaf(existing, level));
        }

        private bool IsValidAccess(EptAccess access)
        {
            ulong bits = (ulong)access;
            if (bits == 0 || (bits & ~AccessMask) != 0)
                return false;
            bool read = (access & EptAccess.Read) != 0;
            if ((access & EptAccess.Write) != 0 && !read)
                return false;   // write without read: EPT misconfiguration
            return read || AllowExecuteOnly;
        }

        private static bool IsValidMemoryType(EptMemoryType type) =>
            type == EptMemoryType.Uncacheable || type == EptMemoryType.WriteCombining || type == EptMemoryType.WriteThrough
            || type == EptMemoryType.WriteProtected || type == EptMemoryType.WriteBack;

        private static bool IsValidGuestRange(ulong guest, ulong size) =>
            IsPageMultiple(guest, size) && guest < GuestPhysicalLimit && size <= GuestPhysicalLimit - guest;

        private static bool IsValidHostRange(ulong host, ulong size) =>
            IsPageMultiple(host, size) && host < HostPhysicalLimit && size <= HostPhysicalLimit - host;

        private static bool IsPageMultiple(ulong address, ulong size) =>
            ((address | size) & (Size4KiB - 1)) == 0 && size != 0;

        // An EPT entry is present when any of read, write or execute is allowed.
        private static bool IsPresent(ulong entry) => (entry & AccessMask) != 0;

        private static bool IsLeaf(ulong entry, int level) => level == 1 || (level <= 3 && (entry & LargePageBit) != 0);

        private static ulong EntrySize(int level) => 1UL << (12 + 9 * (level - 1));

        private static int Index(ulong address, int level) => (int)((address >> (12 + 9 * (level - 1))) & 511);
    }
}
