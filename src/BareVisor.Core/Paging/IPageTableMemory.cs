// Pure logic; no hardware. Where page tables live: the kernel gives identity-mapped pages, tests give arrays.
using System;
using BareVisor.Core.Memory;

namespace BareVisor.Core.Paging
{
    public interface IPageTableMemory
    {
        /// <summary>A zeroed, 4 KiB-aligned page for a paging structure.</summary>
        HostPhysical AllocateTable();

        /// <summary>The 512 entries of the paging structure at table.</summary>
        Span<ulong> Table(HostPhysical table);
    }
}
