// Every lock in BareVisor, by name, and the order in which they may be taken. A CPU holding a lock
// may take only a lock further down this list, never one above it:
//
//   1. PageAllocator  the physical page allocator (Memory/PhysicalMemory.cs). Its free-extent
//                     list may grow while it is held, which allocates: so it may take Heap.
//   2. Heap           the kernel heap (BareVisor.Runtime's Allocator, through RuntimeHost). Held
//                     only to bump the allocation pointer; a new chunk is taken from the page
//                     allocator with Heap released, so Heap never waits for PageAllocator.
//   3. Vpids          the VPID counter (Vmx/VirtualMachine.cs). Takes nothing else.
//   4. Console        one log line on COM1 (Console/Log.cs). Innermost: the line is formatted
//                     on the stack before it is taken, nothing is allocated or locked under it.
//
// Rules for all of them: interrupts are off while any is held (TicketLock does that); nothing
// throws while holding one (the exception's allocation could come back for the same lock): the
// owner releases it first and then throws; no VM entry and no waiting for another CPU under a
// lock. The panic path takes none of them except Console, which it first breaks open once the
// other CPUs are stopped (Diagnostics/Panic.cs).
namespace BareVisor.Kernel.Smp
{
    internal static class Locks
    {
        internal static TicketLock PageAllocator;
        internal static TicketLock Heap;
        internal static TicketLock Vpids;
        internal static TicketLock Console;
    }
}
