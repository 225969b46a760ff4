// A guest's RAM: host pages, mapped at guest-physical 0 upward through EPT with write-back memory
// type, in 1 GiB or 2 MiB chunks where the CPU and the page allocator allow (4 KiB otherwise). Every page
// (RAM and EPT tables) is returned to the allocator when the guest is destroyed, and no page of
// BareVisor's own is ever mapped. Built at guest set-up; the copy helpers run in VMX root.
using System;
using System.Collections.Generic;
using BareVisor.Core.Devices;
using BareVisor.Core.Memory;
using BareVisor.Core.Paging;
using BareVisor.Core.Vmx;
using BareVisor.Kernel.Memory;

namespace BareVisor.Kernel.Vmx
{
    internal sealed unsafe class GuestMemory
    {
        private const ulong PageSize = 4096;
        private const ulong LargePage = 2UL << 20;
        private const ulong HugePage = 1UL << 30;

        private readonly List<Chunk> _chunks = new List<Chunk>();
        private readonly List<HostPhysical> _tablePages = new List<HostPhysical>();
        private EptBuilder<TrackedTableMemory> _ept;

        internal ulong Size { get; }

        internal ulong Eptp { get; }

        private GuestMemory(ulong size, ulong eptVpidCapabilities)
        {
            Size = size;
            _ept = new EptBuilder<TrackedTableMemory>(new TrackedTableMemory(_tablePages));
            _ept.UseCapabilities(new Ia32VmxEptVpidCap(eptVpidCapabilities));
            for (ulong at = 0; at < size;)
                at += AddChunk(at, size - at);
            Eptp = _ept.Eptp(false);
        }

        internal static GuestMemory Create(ulong size, ulong eptVpidCapabilities) => new GuestMemory(size, eptVpidCapabilities);

        // The guest's xAPIC page, mapped to the APIC-access page so that the CPU turns every access
        // into an APIC-access exit (ApicAccessExit). Not mapped when guest RAM covers the address.
        internal void MapApicAccessPage(HostPhysical page)
        {
            if (Size > LocalApic.DefaultBase)
                return;
            if (!_ept.TryMap(new GuestPhysical(LocalApic.DefaultBase), page, PageSize, EptAccess.Read | EptAccess.Write, EptMemoryType.Uncacheable))
                Diagnostics.Panic.Fatal("EPT mapping of the APIC-access page refused (a BareVisor bug)");
        }

        // The largest page the EPT, the alignment and the allocator allow: 1 GiB, 2 MiB, else 4 KiB.
        private ulong AddChunk(ulong guestAddress, ulong remaining)
        {
            HostPhysical host = default;
            ulong size = PageSize;
            if (_ept.Use1GiBPages && TryAllocateAligned(guestAddress, remaining, HugePage, out host))
                size = HugePage;
            else if (_ept.Use2MiBPages && TryAllocateAligned(guestAddress, remaining, LargePage, out host))
                size = LargePage;
            else
                host = PhysicalMemory.AllocatePage();
            new Span<byte>((void*)host.Value, (int)Math.Min(size, LargePage)).Clear();
            for (ulong cleared = LargePage; cleared < size; cleared += LargePage)
                new Span<byte>((void*)(host.Value + cleared), (int)LargePage).Clear();
            if (!_ept.TryMap(new GuestPhysical(guestAddress), host, size, EptAccess.Read | EptAccess.Write | EptAccess.Execute, EptMemoryType.WriteBack))
                Diagnostics.Panic.Fatal("EPT mapping of guest RAM refused (a BareVisor bug)");
            _chunks.Add(new Chunk(guestAddress, host, size));
            return size;
        }

        private static bool TryAllocateAligned(ulong guestAddress, ulong remaining, ulong size, out HostPhysical host)
        {
            host = default;
            return remaining >= size && guestAddress % size == 0
                && PhysicalMemory.TryAllocate(size / PageSize, size, out host);
        }

        internal bool TryRead(GuestPhysical address, Span<byte> destination)
        {
            for (int done = 0; done < destination.Length;)
            {
                if (!TryFind(address.Value + (ulong)done, out byte* host, out ulong available))
                    return false;
                int step = (int)Math.Min((ulong)(destination.Length - done), available);
                new ReadOnlySpan<byte>(host, step).CopyTo(destination.Slice(done, step));
                done += step;
            }
            return true;
        }

        internal bool TryWrite(GuestPhysical address, ReadOnlySpan<byte> source)
        {
            for (int done = 0; done < source.Length;)
            {
                if (!TryFind(address.Value + (ulong)done, out byte* host, out ulong available))
                    return false;
                int step = (int)Math.Min((ulong)(source.Length - done), available);
                source.Slice(done, step).CopyTo(new Span<byte>(host, step));
                done += step;
            }
            return true;
        }

        private bool TryFind(ulong address, out byte* host, out ulong available)
        {
            foreach (Chunk chunk in _chunks)
            {
                if (address >= chunk.Guest && address < chunk.Guest + chunk.Size)
                {
                    host = (byte*)(chunk.Host.Value + (address - chunk.Guest));
                    available = chunk.Guest + chunk.Size - address;
                    return true;
                }
            }
            host = null;
            available = 0;
            return false;
        }

        internal void Destroy()
        {
            foreach (Chunk chunk in _chunks)
                PhysicalMemory.Free(chunk.Host, chunk.Size / PageSize);
            _chunks.Clear();
            new TrackedTableMemory(_tablePages).FreeAll();
        }

        private readonly struct Chunk
        {
            public readonly ulong Guest;
            public readonly HostPhysical Host;
            public readonly ulong Size;

            public Chunk(ulong guest, HostPhysical host, ulong size)
            {
                Guest = guest;
                Host = host;
                Size = size;
            }
        }
    }

    // EPT table pages from the page allocator, remembered so the guest's teardown returns them.
    internal unsafe struct TrackedTableMemory : IPageTableMemory
    {
        private readonly List<HostPhysical> _pages;

        internal TrackedTableMemory(List<HostPhysical> pages) => _pages = pages;

        public HostPhysical AllocateTable()
        {
            HostPhysical page = PhysicalMemory.AllocatePage();
            new Span<byte>((void*)page.Value, 4096).Clear();
            _pages.Add(page);
            return page;
        }

        public Span<ulong> Table(HostPhysical table) => new Span<ulong>((void*)table.Value, 512);

        internal void FreeAll()
        {
            foreach (HostPhysical page in _pages)
                PhysicalMemory.Free(page, 1);
            _pages.Clear();
        }
    }
}
