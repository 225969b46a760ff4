// A ticket spinlock: LOCK XADD on NextTicket takes a ticket, the CPU spins with PAUSE until
// NowServing reaches it, so CPUs get the lock in the order they asked for it (no starvation).
// Interrupts are off while it is held (a handler on the same CPU wanting the lock would deadlock)
// and Exit restores the IF that Enter found. Not re-entrant. Any context, any CPU; never
// allocates. Each lock is a static field of Locks (Locks.cs), which also gives their order.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using BareVisor.Kernel.Arch;

namespace BareVisor.Kernel.Smp
{
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct TicketLock
    {
        private uint _nextTicket;
        private volatile uint _nowServing;

        // Returns the RFLAGS to hand back to Exit.
        internal ulong Enter()
        {
            ulong rflags = Native.DisableInterrupts();
            uint ticket = Native.AtomicFetchAdd((uint*)Unsafe.AsPointer(ref _nextTicket), 1);
            while (_nowServing != ticket)
                Native.Pause();
            return rflags;
        }

        // Only the holder writes NowServing, so a plain store suffices; it is volatile (a release
        // for the compiler) and x86 does not reorder stores, so whatever was written under the
        // lock is visible before the next holder gets in.
        internal void Exit(ulong rflags)
        {
            _nowServing = _nowServing + 1;
            Native.RestoreInterrupts(rflags);
        }

        // For the panic path only, once the other CPUs are stopped: frees the lock whoever holds
        // it (a stopped CPU, or this one when it faulted inside). True when it was held.
        internal bool Break()
        {
            uint next = _nextTicket;
            bool held = _nowServing != next;
            _nowServing = next;
            return held;
        }
    }
}
