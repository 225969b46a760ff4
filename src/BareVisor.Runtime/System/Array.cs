// Single-dimensional arrays. The length field's position is a contract with ILC. Runs anywhere.
using System.Runtime.CompilerServices;

namespace System
{
    public abstract class Array
    {
        private readonly int _numComponents;

        public int Length => _numComponents;

        public static T[] Empty<T>() => EmptyArray<T>.Value;

        private static class EmptyArray<T>
        {
            internal static readonly T[] Value = new T[0];
        }
    }

    // ILC expects this type: T[] derives from it.
    public class Array<T> : Array { }
}
