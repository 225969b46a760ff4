// Host test code. Page tables in managed arrays, at fake physical addresses handed out from 0x1000_0000.
using System;
using System.Collections.Generic;
using BareVisor.Core.Memory;
using BareVisor.Core.Paging;

namespace BareVisor.Core.Tests.Fakes
{
    public sealed class PageTableStore
    {
        public readonly Dictionary<ulong, ulong[]> Tables = new Dictionary<ulong, ulong[]>();
        public ulong Next = 0x1000_0000;
    }

    public struct FakePageTableMemory : IPageTableMemory
    {
        public readonly PageTableStore Store;

        public FakePageTableMemory(PageTableStore store) { Store = store; }

        public HostPhysical AllocateTable()
        {
            ulong at = Store.Next;
            Store.Next += 0x1000;
            Store.Tables[at] = new ulong[512];
            return new HostPhysical(at);
        }

        public Span<ulong> Table(HostPhysical table)
        {
            Assert.True(Store.Tables.ContainsKey(table.Value), "walked to a page that is not a table");
            return Store.Tables[table.Value];
        }
    }
}
