// Exceptions. BareVisor never unwinds: `throw` hands the object to the kernel's panic handler,
// which prints the type and message (see Abi/ExceptionHandling.cs).
namespace System
{
    public class Exception
    {
        private readonly string _message;
        private readonly Exception _innerException;

        public Exception() { }

        public Exception(string message) => _message = message;

        public Exception(string message, Exception innerException)
        {
            _message = message;
            _innerException = innerException;
        }

        public virtual string Message => _message ?? "(no message)";

        public Exception InnerException => _innerException;
    }

    public class SystemException : Exception
    {
        public SystemException() { }
        public SystemException(string message) : base(message) { }
    }

    public class InvalidOperationException : SystemException
    {
        public InvalidOperationException() { }
        public InvalidOperationException(string message) : base(message) { }
    }

    public class ArgumentException : SystemException
    {
        public ArgumentException() { }
        public ArgumentException(string message) : base(message) { }
        public ArgumentException(string message, string paramName) : base(message) { }
    }

    public class ArgumentNullException : ArgumentException
    {
        public ArgumentNullException() { }
        public ArgumentNullException(string paramName) : base("value cannot be null", paramName) { }
    }

    public class ArgumentOutOfRangeException : ArgumentException
    {
        public ArgumentOutOfRangeException() { }
        public ArgumentOutOfRangeException(string paramName) : base("argument out of range", paramName) { }
        public ArgumentOutOfRangeException(string paramName, string message) : base(message, paramName) { }
    }

    public sealed class IndexOutOfRangeException : SystemException
    {
        public IndexOutOfRangeException() : base("index was outside the bounds of the array") { }
    }

    public sealed class NullReferenceException : SystemException
    {
        public NullReferenceException() : base("object reference not set to an instance of an object") { }
    }

    public class ArithmeticException : SystemException
    {
        public ArithmeticException() { }
        public ArithmeticException(string message) : base(message) { }
    }

    public sealed class DivideByZeroException : ArithmeticException
    {
        public DivideByZeroException() : base("attempted to divide by zero") { }
    }

    public sealed class OverflowException : ArithmeticException
    {
        public OverflowException() : base("arithmetic operation resulted in an overflow") { }
    }

    public sealed class InvalidCastException : SystemException
    {
        public InvalidCastException() : base("specified cast is not valid") { }
    }

    public sealed class ArrayTypeMismatchException : SystemException
    {
        public ArrayTypeMismatchException() : base("array element type mismatch") { }
    }

    public class NotSupportedException : SystemException
    {
        public NotSupportedException() { }
        public NotSupportedException(string message) : base(message) { }
    }

    public sealed class PlatformNotSupportedException : NotSupportedException
    {
        public PlatformNotSupportedException() : base("operation is not supported on BareVisor") { }
    }

    public sealed class NotImplementedException : SystemException
    {
        public NotImplementedException() : base("not implemented") { }
        public NotImplementedException(string message) : base(message) { }
    }

    public sealed class OutOfMemoryException : SystemException
    {
        public OutOfMemoryException() : base("out of memory") { }
        public OutOfMemoryException(string message) : base(message) { }
    }

    public sealed class FormatException : SystemException
    {
        public FormatException() { }
        public FormatException(string message) : base(message) { }
    }

    public sealed class TypeLoadException : SystemException
    {
        public TypeLoadException() : base("type could not be loaded") { }
    }

    public sealed class InvalidProgramException : SystemException
    {
        public InvalidProgramException() : base("the program is invalid") { }
    }
}
