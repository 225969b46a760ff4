// What the runtime needs from its host (the kernel): memory for the heap and a way to die.
// The kernel calls Start once, first thing, with interrupts off: nothing here may allocate
// before the boot heap is in place.
using Internal.Runtime;
using Internal.Runtime.CompilerHelpers;

namespace System.Runtime
{
    public static unsafe class RuntimeHost
    {
        // Plain (non-GC) statics: valid before module initialisation.
        private static delegate*<nuint, byte*> s_allocatePages;
        private static delegate*<Exception, void> s_unhandledException;

        // Hands the runtime its boot heap and the module headers ILC emitted (the __modules
        // section), then materialises static fields and runs eager static constructors.
        public static void Start(byte* bootHeap, nuint bootHeapSize, nint* modulesStart, nint* modulesEnd,
            delegate*<Exception, void> unhandledException)
        {
            s_unhandledException = unhandledException;
            Allocator.AddMemory(bootHeap, bootHeapSize);
            StartupCodeHelpers.InitializeModules(modulesStart, modulesEnd);
        }

        // Later heap chunks come from the kernel's page allocator, once it exists.
        public static void SetPageSource(delegate*<nuint, byte*> allocatePages) => s_allocatePages = allocatePages;

        public static ulong HeapAllocatedBytes => Allocator.AllocatedBytes;

        internal static byte* AllocatePages(nuint size) => s_allocatePages == null ? null : s_allocatePages(size);

        internal static void Fail(Exception exception)
        {
            if (s_unhandledException != null)
                s_unhandledException(exception);
            // The kernel's handler does not return; if it is missing there is nothing to report to.
            while (true) { }
        }
    }
}
