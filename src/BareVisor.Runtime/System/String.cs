// Immutable UTF-16 strings. Field layout (length, then the characters) is a contract with ILC.
// Allocates: every operation that returns a new string takes it from the kernel heap.
using System.Runtime.CompilerServices;
using Internal.Runtime;

namespace System
{
    public sealed unsafe class String
    {
        private readonly int _stringLength;
        private char _firstChar;

        public static readonly string Empty = "";

        public int Length => _stringLength;

        [IndexerName("Chars")]
        public char this[int index]
        {
            [Intrinsic]
            get
            {
                if ((uint)index >= (uint)_stringLength)
                    throw new IndexOutOfRangeException();
                return Unsafe.Add(ref _firstChar, index);
            }
        }

        // The C# compiler calls these constructors; ILC routes them to the static Ctor methods.
        [MethodImpl(MethodImplOptions.InternalCall)]
        public extern String(ReadOnlySpan<char> value);

        [MethodImpl(MethodImplOptions.InternalCall)]
        public extern String(char c, int count);

        [MethodImpl(MethodImplOptions.InternalCall)]
        public extern String(char[] value);

        private static string Ctor(ReadOnlySpan<char> value)
        {
            string result = FastAllocateString(value.Length);
            value.CopyTo(new Span<char>(ref result._firstChar, value.Length));
            return result;
        }

        private static string Ctor(char c, int count)
        {
            string result = FastAllocateString(count);
            new Span<char>(ref result._firstChar, count).Fill(c);
            return result;
        }

        private static string Ctor(char[] value) => Ctor(new ReadOnlySpan<char>(value));

        internal static string FastAllocateString(int length)
        {
            if (length < 0)
                throw new ArgumentOutOfRangeException("length");
            if (length == 0)
                return Empty;
            return Unsafe.As<string>(Allocator.NewArray(Empty.m_pMethodTable, length));
        }

        public static bool IsNullOrEmpty(string value) => value == null || value._stringLength == 0;

        public static string Concat(string a, string b) => Concat(a, b, null, null);

        public static string Concat(string a, string b, string c) => Concat(a, b, c, null);

        public static string Concat(string a, string b, string c, string d)
        {
            int length = LengthOf(a) + LengthOf(b) + LengthOf(c) + LengthOf(d);
            string result = FastAllocateString(length);
            Span<char> destination = new Span<char>(ref result._firstChar, length);
            int at = 0;
            at = CopyInto(a, destination, at);
            at = CopyInto(b, destination, at);
            at = CopyInto(c, destination, at);
            CopyInto(d, destination, at);
            return result;
        }

        public static string Concat(params string[] values)
        {
            int length = 0;
            foreach (string s in values)
                length += LengthOf(s);
            string result = FastAllocateString(length);
            Span<char> destination = new Span<char>(ref result._firstChar, length);
            int at = 0;
            foreach (string s in values)
                at = CopyInto(s, destination, at);
            return result;
        }

        private static int LengthOf(string s) => s == null ? 0 : s._stringLength;

        private static int CopyInto(string s, Span<char> destination, int at)
        {
            if (s == null)
                return at;
            s.AsSpan().CopyTo(destination.Slice(at));
            return at + s._stringLength;
        }

        public string Substring(int startIndex) => Substring(startIndex, _stringLength - startIndex);

        public string Substring(int startIndex, int length)
        {
            if ((uint)startIndex > (uint)_stringLength || (uint)length > (uint)(_stringLength - startIndex))
                throw new ArgumentOutOfRangeException("startIndex");
            if (startIndex == 0 && length == _stringLength)
                return this;
            return new string(AsSpan().Slice(startIndex, length));
        }

        public int IndexOf(char value)
        {
            for (int i = 0; i < _stringLength; i++)
            {
                if (Unsafe.Add(ref _firstChar, i) == value)
                    return i;
            }
            return -1;
        }

        public bool StartsWith(string value, StringComparison comparisonType)
        {
            CheckOrdinal(comparisonType);
            return value._stringLength <= _stringLength && SpanEquals(AsSpan().Slice(0, value._stringLength), value.AsSpan());
        }

        public bool EndsWith(string value, StringComparison comparisonType)
        {
            CheckOrdinal(comparisonType);
            return value._stringLength <= _stringLength
                && SpanEquals(AsSpan().Slice(_stringLength - value._stringLength), value.AsSpan());
        }

        private static void CheckOrdinal(StringComparison comparisonType)
        {
            if (comparisonType != StringComparison.Ordinal)
                throw new NotSupportedException("only ordinal string comparison is supported");
        }

        internal ReadOnlySpan<char> AsSpan() => new ReadOnlySpan<char>(ref _firstChar, _stringLength);

        public static implicit operator ReadOnlySpan<char>(string value) => value == null ? default : value.AsSpan();

        public bool Equals(string value) => Equals(this, value);

        public override bool Equals(object obj) => obj is string s && Equals(this, s);

        public static bool Equals(string a, string b)
        {
            if ((object)a == b)
                return true;
            if (a == null || b == null || a._stringLength != b._stringLength)
                return false;
            return SpanEquals(a.AsSpan(), b.AsSpan());
        }

        public static bool operator ==(string a, string b) => Equals(a, b);

        public static bool operator !=(string a, string b) => !Equals(a, b);

        // FNV-1a: stable across runs, which is all BareVisor needs.
        public override int GetHashCode()
        {
            uint hash = 2166136261;
            for (int i = 0; i < _stringLength; i++)
                hash = (hash ^ Unsafe.Add(ref _firstChar, i)) * 16777619;
            return (int)hash;
        }

        public override string ToString() => this;

        private static bool SpanEquals(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
        {
            if (a.Length != b.Length)
                return false;
            for (int i = 0; i < a.Length; i++)
            {
                if (a[i] != b[i])
                    return false;
            }
            return true;
        }
    }

    public enum StringComparison
    {
        CurrentCulture = 0,
        CurrentCultureIgnoreCase = 1,
        InvariantCulture = 2,
        InvariantCultureIgnoreCase = 3,
        Ordinal = 4,
        OrdinalIgnoreCase = 5,
    }
}
