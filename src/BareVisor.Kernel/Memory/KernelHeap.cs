// Raw, aligned, zeroed memory for hardware structures (GDT, IDT, TSS, IST stacks), taken from the
// kernel heap. The heap never moves or frees anything, so the pointer stays valid for ever.
// Usable as soon as the runtime has started, before the page allocator exists.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace BareVisor.Kernel.Memory
{
    internal static unsafe class KernelHeap
    {
        internal static void* AllocateZeroed(int bytes, int alignment)
        {
            byte[] block = new byte[bytes + alignment];
            ulong address = (ulong)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(block));
            return (void*)((address + (ulong)alignment - 1) & ~((ulong)alignment - 1));
        }
    }
}
