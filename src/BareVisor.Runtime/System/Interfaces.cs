// Interfaces the C# compiler relies on for `using` and `foreach`. Runs anywhere.
namespace System
{
    public interface IDisposable
    {
        void Dispose();
    }

    public interface IEquatable<T>
    {
        bool Equals(T other);
    }

    public interface IComparable<in T>
    {
        int CompareTo(T other);
    }
}

// The compiler requires these members to exist even though it lowers `foreach` over arrays and
// spans to index loops; nothing in BareVisor enumerates through them.
namespace System.Collections
{
    public interface IEnumerable
    {
        IEnumerator GetEnumerator();
    }

    public interface IEnumerator
    {
        object Current { get; }
        bool MoveNext();
        void Reset();
    }
}
