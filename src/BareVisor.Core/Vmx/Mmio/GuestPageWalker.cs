// Translates a guest-linear address to guest-physical through the guest's own page tables (Intel
// SDM Vol. 3A, chapter "Paging"): no paging, 32-bit paging (4 MiB pages with CR4.PSE, PSE-36),
// PAE paging (its PDPTEs come from the VMCS, where VM exits save them with EPT on), 4-level and
// 5-level paging (2 MiB and 1 GiB pages). Entries are read through IGuestPlatform from guest RAM.
// Only presence is checked: the walker serves instruction fetches the CPU itself already made, not
// access control. Pure logic; VMX root; never allocates.
using System;
using BareVisor.Core.Memory;
using BareVisor.Core.Vmx.Exits;

namespace BareVisor.Core.Vmx.Mmio
{
    /// <summary>The guest's paging controls, as the VMCS holds them after an exit.</summary>
    public struct GuestPagingState
    {
        public ulong Cr0, Cr3, Cr4, Efer;
        public ulong Pdpte0, Pdpte1, Pdpte2, Pdpte3;

        /// <summary>The state from the VMCS, given CR0 and IA32_EFER the caller already read; CR3, CR4 and the
        /// PDPTEs are read only when the guest pages.</summary>
        public static GuestPagingState From<TVmcs>(ref TVmcs vmcs, ulong cr0, ulong efer) where TVmcs : struct, IVmcs
        {
            GuestPagingState state = default;
            state.Cr0 = cr0;
            state.Efer = efer;
            if (GuestPageWalker.ModeOf(state) == GuestPagingMode.None)
                return state;
            state.Cr3 = vmcs.Read(VmcsFieldNatural.GuestCr3);
            state.Cr4 = vmcs.Read(VmcsFieldNatural.GuestCr4);
            if (GuestPageWalker.ModeOf(state) == GuestPagingMode.Pae)
            {
                state.Pdpte0 = vmcs.Read(VmcsField64.GuestPdpte0);
                state.Pdpte1 = vmcs.Read(VmcsField64.GuestPdpte1);
                state.Pdpte2 = vmcs.Read(VmcsField64.GuestPdpte2);
                state.Pdpte3 = vmcs.Read(VmcsField64.GuestPdpte3);
            }
            return state;
        }
    }

    public enum GuestPagingMode : byte
    {
        None,
        Bits32,
        Pae,
        Level4,
        Level5,
    }

    public static class GuestPageWalker
    {
        private const ulong Cr0Pg = 1UL << 31, Cr4Pse = 1UL << 4, Cr4Pae = 1UL << 5, Cr4La57 = 1UL << 12;
        private const ulong EferLma = 1UL << 10;
        private const ulong Present = 1, LargePage = 1UL << 7;
        private const ulong AddressBits = 0x000F_FFFF_FFFF_F000;

        public static GuestPagingMode ModeOf(in GuestPagingState state)
        {
            if ((state.Cr0 & Cr0Pg) == 0)
                return GuestPagingMode.None;
            if ((state.Efer & EferLma) != 0)
                return (state.Cr4 & Cr4La57) != 0 ? GuestPagingMode.Level5 : GuestPagingMode.Level4;
            return (state.Cr4 & Cr4Pae) != 0 ? GuestPagingMode.Pae : GuestPagingMode.Bits32;
        }

        /// <summary>False when an entry on the way is not present or not in guest RAM.</summary>
        public static bool TryTranslate<TPlatform>(ref TPlatform platform, in GuestPagingState state, ulong linear, out GuestPhysical physical)
            where TPlatform : struct, IGuestPlatform
        {
            physical = default;
            switch (ModeOf(state))
            {
                case GuestPagingMode.None:
                    physical = new GuestPhysical(linear);
                    return true;
                case GuestPagingMode.Bits32:
                    return TryWalk32(ref platform, state, (uint)linear, out physical);
                case GuestPagingMode.Pae:
                    ulong pdpte = Pdpte(state, (int)((linear >> 30) & 3));
                    if ((pdpte & Present) == 0)
                        return false;
                    return TryWalk64(ref platform, pdpte & AddressBits, 2, linear & 0xFFFF_FFFF, out physical);
                case GuestPagingMode.Level5:
                    return TryWalk64(ref platform, state.Cr3 & AddressBits, 5, linear, out physical);
                default:
                    return TryWalk64(ref platform, state.Cr3 & AddressBits, 4, linear, out physical);
            }
        }

        // 8-byte entries, 9 bits of index per level; PS in a level-3 (1 GiB) or level-2 (2 MiB) entry ends the walk.
        private static bool TryWalk64<TPlatform>(ref TPlatform platform, ulong table, int levels, ulong linear, out GuestPhysical physical)
            where TPlatform : struct, IGuestPlatform
        {
            physical = default;
            Span<byte> entryBytes = stackalloc byte[8];
            for (int level = levels; level >= 1; level--)
            {
                int shift = 12 + 9 * (level - 1);
                ulong index = (linear >> shift) & 0x1FF;
                if (!platform.TryReadGuestMemory(new GuestPhysical(table + index * 8), entryBytes))
                    return false;
                ulong entry = ReadLittleEndian(entryBytes);
                if ((entry & Present) == 0)
                    return false;
                if (level == 1 || (level <= 3 && (entry & LargePage) != 0))
                {
                    ulong offsetMask = (1UL << shift) - 1;
                    physical = new GuestPhysical((entry & AddressBits & ~offsetMask) | (linear & offsetMask));
                    return true;
                }
                table = entry & AddressBits;
            }
            return false;
        }

        // 4-byte entries: a page directory of 1024 PDEs, 4 MiB pages (with CR4.PSE) carry PSE-36 bits 20:13.
        private static bool TryWalk32<TPlatform>(ref TPlatform platform, in GuestPagingState state, uint linear, out GuestPhysical physical)
            where TPlatform : struct, IGuestPlatform
        {
            physical = default;
            Span<byte> entryBytes = stackalloc byte[4];
            ulong directory = state.Cr3 & 0xFFFF_F000;
            if (!platform.TryReadGuestMemory(new GuestPhysical(directory + (linear >> 22) * 4), entryBytes))
                return false;
            uint pde = (uint)ReadLittleEndian(entryBytes);
            if ((pde & Present) == 0)
                return false;
            if ((pde & LargePage) != 0 && (state.Cr4 & Cr4Pse) != 0)
            {
                ulong high = (ulong)((pde >> 13) & 0xFF) << 32;
                physical = new GuestPhysical(high | (pde & 0xFFC0_0000u) | (linear & 0x003F_FFFFu));
                return true;
            }
            ulong table = pde & 0xFFFF_F000u;
            if (!platform.TryReadGuestMemory(new GuestPhysical(table + ((linear >> 12) & 0x3FF) * 4), entryBytes))
                return false;
            uint pte = (uint)ReadLittleEndian(entryBytes);
            if ((pte & Present) == 0)
                return false;
            physical = new GuestPhysical((pte & 0xFFFF_F000u) | (linear & 0xFFFu));
            return true;
        }

        private static ulong Pdpte(in GuestPagingState state, int index) => index switch
        {
            0 => state.Pdpte0,
            1 => state.Pdpte1,
            2 => state.Pdpte2,
            _ => state.Pdpte3,
        };

        private static ulong ReadLittleEndian(ReadOnlySpan<byte> bytes)
        {
            ulong value = 0;
            for (int i = 0; i < bytes.Length; i++)
                value |= (ulong)bytes[i] << (8 * i);
            return value;
        }
    }
}
