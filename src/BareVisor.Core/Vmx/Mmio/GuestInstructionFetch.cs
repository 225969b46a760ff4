// Reads the bytes of the instruction at the guest's CS:RIP out of guest RAM: the linear address
// (CS base + RIP outside 64-bit code, 32-bit wrap) goes through the guest's page tables
// (GuestPageWalker) one page at a time, so an instruction may straddle two pages. The fetch stops
// at the first page that is not present or not RAM; the decoder then sees fewer bytes and says
// Truncated if it needed them. VMX root; never allocates.
using System;
using BareVisor.Core.Memory;
using BareVisor.Core.Vmx.Exits;

namespace BareVisor.Core.Vmx.Mmio
{
    public static class GuestInstructionFetch
    {
        private const ulong PageSize = 4096;

        /// <summary>Fills `bytes` from CS:RIP; returns how many bytes could be read.</summary>
        public static int Fetch<TVmcs, TPlatform>(ref Vcpu<TVmcs, TPlatform> vcpu, CodeSize mode, in GuestPagingState paging, Span<byte> bytes)
            where TVmcs : struct, IVmcs
            where TPlatform : struct, IGuestPlatform
        {
            ulong rip = vcpu.Rip;
            bool wrap32 = mode != CodeSize.Bits64;
            ulong linear = wrap32 ? (vcpu.Vmcs.Read(VmcsFieldNatural.GuestCsBase) + rip) & 0xFFFF_FFFF : rip;
            return Fetch(ref vcpu.Platform, paging, linear, wrap32, bytes);
        }

        public static int Fetch<TPlatform>(ref TPlatform platform, in GuestPagingState paging, ulong linear, bool wrap32, Span<byte> bytes)
            where TPlatform : struct, IGuestPlatform
        {
            int count = 0;
            while (count < bytes.Length)
            {
                ulong at = linear + (ulong)count;
                if (wrap32)
                    at &= 0xFFFF_FFFF;
                if (!GuestPageWalker.TryTranslate(ref platform, paging, at, out GuestPhysical physical))
                    break;
                int chunk = (int)Math.Min((ulong)(bytes.Length - count), PageSize - (at & (PageSize - 1)));
                if (!platform.TryReadGuestMemory(physical, bytes.Slice(count, chunk)))
                    break;
                count += chunk;
            }
            return count;
        }
    }
}
