// RuntimeHelpers: compiler-facing helpers. ILC expands the [Intrinsic] ones. Runs anywhere.
namespace System.Runtime.CompilerServices
{
    public static class RuntimeHelpers
    {
        public static unsafe int OffsetToStringData => sizeof(nint) + sizeof(int);

        [Intrinsic]
        public static extern void InitializeArray(Array array, RuntimeFieldHandle fldHandle);

        [Intrinsic]
        public static extern ReadOnlySpan<T> CreateSpan<T>(RuntimeFieldHandle fldHandle);

        [Intrinsic]
        public static bool IsReferenceOrContainsReferences<T>() => true;

        [Intrinsic]
        public static bool IsKnownConstant(int value) => false;

        public static bool Equals(object o1, object o2) => o1 == o2;

        public static int GetHashCode(object o) => o == null ? 0 : o.GetHashCode();
    }

    // The layout ILC gives every array: length (padded to pointer size), then the elements.
    internal sealed class RawArrayData
    {
        public uint Length;
        public uint Padding;
        public byte Data;
    }
}
