// Primitive types. ILC knows their layout; they need no fields here. Runs anywhere.
namespace System
{
    public struct Void { }
    public struct Boolean { }
    public struct Char { }
    public struct SByte { }
    public struct Byte
    {
        public const byte MaxValue = 0xFF;
        public const byte MinValue = 0;
    }
    public struct Int16 { }
    public struct UInt16
    {
        public const ushort MaxValue = 0xFFFF;
        public const ushort MinValue = 0;
    }
    public struct Int32
    {
        public const int MaxValue = 0x7fffffff;
        public const int MinValue = unchecked((int)0x80000000);
    }
    public struct UInt32
    {
        public const uint MaxValue = 0xffffffff;
        public const uint MinValue = 0;
    }
    public struct Int64
    {
        public const long MaxValue = 0x7fffffffffffffffL;
        public const long MinValue = unchecked((long)0x8000000000000000L);
    }
    public struct UInt64
    {
        public const ulong MaxValue = 0xffffffffffffffffUL;
        public const ulong MinValue = 0;
    }
    public struct IntPtr { }
    public struct UIntPtr { }
    public struct Single { }
    public struct Double { }
}
