// Throw helpers ILC calls from generated code (bounds checks, overflow, null checks, ...).
namespace Internal.Runtime.CompilerHelpers
{
    internal static class ThrowHelpers
    {
        private static void ThrowIndexOutOfRangeException() => throw new System.IndexOutOfRangeException();
        private static void ThrowDivideByZeroException() => throw new System.DivideByZeroException();
        private static void ThrowOverflowException() => throw new System.OverflowException();
        private static void ThrowNullReferenceException() => throw new System.NullReferenceException();
        private static void ThrowArrayTypeMismatchException() => throw new System.ArrayTypeMismatchException();
        private static void ThrowPlatformNotSupportedException() => throw new System.PlatformNotSupportedException();
        private static void ThrowNotImplementedException() => throw new System.NotImplementedException();
        private static void ThrowNotSupportedException() => throw new System.NotSupportedException();
        private static void ThrowTypeLoadException() => throw new System.TypeLoadException();
        private static void ThrowInvalidProgramException() => throw new System.InvalidProgramException();
        private static void ThrowInvalidProgramExceptionWithArgument(int id, string argument) =>
            throw new System.InvalidProgramException();
        private static void ThrowArgumentException() => throw new System.ArgumentException();
        private static void ThrowFeatureBodyRemoved() => throw new System.NotSupportedException("code removed by the compiler was called");
        private static void ThrowArgumentOutOfRangeException() => throw new System.ArgumentOutOfRangeException();
    }
}
