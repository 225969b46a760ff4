// Runs a type's static constructor on first use. ILC calls these helpers by name. Single CPU,
// interrupts off at boot: no locking. The address is cleared before the call so a constructor
// that touches its own type does not recurse.
namespace System.Runtime.CompilerServices
{
    internal static unsafe class ClassConstructorRunner
    {
        private static object CheckStaticClassConstructionReturnGCStaticBase(ref StaticClassConstructionContext context, object gcStaticBase)
        {
            CheckStaticClassConstruction(ref context);
            return gcStaticBase;
        }

        private static nint CheckStaticClassConstructionReturnNonGCStaticBase(ref StaticClassConstructionContext context, nint nonGcStaticBase)
        {
            CheckStaticClassConstruction(ref context);
            return nonGcStaticBase;
        }

        private static void CheckStaticClassConstruction(ref StaticClassConstructionContext context)
        {
            nint constructor = context.cctorMethodAddress;
            if (constructor == 0)
                return;
            context.cctorMethodAddress = 0;
            ((delegate*<void>)constructor)();
        }
    }

    // The layout is a contract with ILC.
    public struct StaticClassConstructionContext
    {
        public nint cctorMethodAddress;
    }
}
