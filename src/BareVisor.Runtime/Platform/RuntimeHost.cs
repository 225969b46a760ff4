// What the runtime needs from its host (the kernel): memory and a lock for the heap, and a way
// to die.
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
        private static delegate*<ulong> s_enterHeapLock;
        private static delegate*<ulong, void> s_exitHeapLock;

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

        // The kernel's heap lock, before a second CPU may allocate: enter returns a token (the
        // interrupt state) that exit gets back. Until then the heap takes no lock.
        public static void SetHeapLock(delegate*<ulong> enter, delegate*<ulong, void> exit)
        {
            s_exitHeapLock = exit;
            s_enterHeapLock = enter;
        }

        internal static ulong EnterHeapLock() => s_enterHeapLock == null ? 0 : s_enterHeapLock();

        internal static void ExitHeapLock(ulong token)
        {
            if (s_exitHeapLock != null)
                s_exitHeapLock(token);
        }

        public static ulong HeapAllocatedBytes => Allocator.AllocatedBytes;

        public static ulong HeapChunkBytes => Allocator.ChunkBytes;

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
