// Type handles. BareVisor has no reflection: these exist because ILC and `typeof` need them.
namespace System
{
    public abstract class Type
    {
        public abstract RuntimeTypeHandle TypeHandle { get; }

        public static Type GetTypeFromHandle(RuntimeTypeHandle handle) => null;
    }

    internal sealed class RuntimeType : Type
    {
        public override RuntimeTypeHandle TypeHandle => default;
    }

    public struct RuntimeTypeHandle
    {
        internal nint _value;
    }

    public struct RuntimeMethodHandle
    {
        internal nint _value;
    }

    public struct RuntimeFieldHandle
    {
        internal nint _value;
    }

    public ref struct RuntimeArgumentHandle
    {
        private nint _value;
    }

    public struct TypedReference
    {
        private nint _value;
        private nint _type;
    }
}
