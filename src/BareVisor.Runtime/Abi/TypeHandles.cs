// Helpers ILC uses for `typeof` and ldtoken, and types it requires to exist. BareVisor has no
// reflection: a type handle is the MethodTable pointer and nothing more.
namespace Internal.Runtime.CompilerHelpers
{
    internal static class LdTokenHelpers
    {
        private static System.RuntimeTypeHandle GetRuntimeTypeHandle(nint type)
        {
            System.RuntimeTypeHandle handle = default;
            handle._value = type;
            return handle;
        }

        private static System.RuntimeFieldHandle GetRuntimeFieldHandle(nint field)
        {
            System.RuntimeFieldHandle handle = default;
            handle._value = field;
            return handle;
        }

        private static System.RuntimeMethodHandle GetRuntimeMethodHandle(nint method)
        {
            System.RuntimeMethodHandle handle = default;
            handle._value = method;
            return handle;
        }
    }
}

namespace System.Runtime.InteropServices
{
    public interface IDynamicInterfaceCastable
    {
        bool IsInterfaceImplemented(RuntimeTypeHandle interfaceType, bool throwIfNotImplemented);
        RuntimeTypeHandle GetInterfaceImplementation(RuntimeTypeHandle interfaceType);

        // ILC requires this hook; BareVisor has no dynamically castable objects.
        private static nint GetDynamicInterfaceImplementation(object instance, nint interfaceType, ushort slot) =>
            throw new NotSupportedException("IDynamicInterfaceCastable is not supported");
    }
}
