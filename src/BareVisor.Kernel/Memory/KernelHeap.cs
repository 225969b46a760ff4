// The kernel heap (BareVisor.Runtime's bump allocator, behind `new`) made safe on several CPUs
// with Locks.Heap, and raw, aligned, zeroed memory for hardware structures (GDT, IDT, TSS, IST
// stacks) taken from it. The heap never moves or frees anything, so a pointer stays valid for
// ever. Any CPU; usable as soon as the runtime has started, before the page allocator exists.
using System.Runtime;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using BareVisor.Kernel.Smp;

namespace BareVisor.Kernel.Memory
{
    internal static unsafe class KernelHeap
    {
        // On the BSP at boot, before any other CPU runs.
        internal static void UseLock() => RuntimeHost.SetHeapLock(&EnterLock, &ExitLock);

        internal static void* AllocateZeroed(int bytes, int alignment)
        {
            byte[] block = new byte[bytes + alignment];
            ulong address = (ulong)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(block));
            return (void*)((address + (ulong)alignment - 1) & ~((ulong)alignment - 1));
        }

        private static ulong EnterLock() => Locks.Heap.Enter();

        private static void ExitLock(ulong rflags) => Locks.Heap.Exit(rflags);
    }
}
