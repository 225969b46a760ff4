// A growable list. Growth allocates a new backing array; the old one is never reclaimed (no GC),
// so build lists at set-up time.
namespace System.Collections.Generic
{
    public class List<T>
    {
        private T[] _items;
        private int _count;

        public List() => _items = new T[4];

        public List(int capacity) => _items = new T[capacity < 1 ? 1 : capacity];

        public int Count => _count;

        public T this[int index]
        {
            get
            {
                if ((uint)index >= (uint)_count)
                    throw new ArgumentOutOfRangeException("index");
                return _items[index];
            }
            set
            {
                if ((uint)index >= (uint)_count)
                    throw new ArgumentOutOfRangeException("index");
                _items[index] = value;
            }
        }

        public void Add(T item)
        {
            if (_count == _items.Length)
            {
                T[] larger = new T[_items.Length * 2];
                new ReadOnlySpan<T>(_items).CopyTo(larger);
                _items = larger;
            }
            _items[_count++] = item;
        }

        public void RemoveAt(int index)
        {
            if ((uint)index >= (uint)_count)
                throw new ArgumentOutOfRangeException("index");
            _count--;
            for (int i = index; i < _count; i++)
                _items[i] = _items[i + 1];
            _items[_count] = default;
        }

        public void Clear()
        {
            new Span<T>(_items, 0, _count).Clear();
            _count = 0;
        }

        public T[] ToArray() => new ReadOnlySpan<T>(_items, 0, _count).ToArray();

        public Enumerator GetEnumerator() => new Enumerator(this);

        public struct Enumerator
        {
            private readonly List<T> _list;
            private int _index;

            internal Enumerator(List<T> list)
            {
                _list = list;
                _index = -1;
            }

            public bool MoveNext() => ++_index < _list._count;

            public T Current => _list._items[_index];
        }
    }
}
