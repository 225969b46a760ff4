// A minimal AML encoder (ACPI spec 20.2) for the guest's DSDT: Scope, Device, Name, Package,
// integers, strings, EISA ids and buffers, written in order. A Scope, Device or Package is opened,
// filled and closed with End, which fills in its PkgLength in the fewest bytes. Bad names or
// unbalanced terms are programming errors and throw. Runs at guest set-up; the buffer is
// allocated once by the constructor.
using System;

namespace BareVisor.Core.Acpi.Guest
{
    public sealed class AmlEncoder
    {
        /// <summary>How deeply Scope, Device and Package may nest.</summary>
        public const int MaxDepth = 8;

        private const byte ZeroOp = 0x00, OneOp = 0x01, NameOp = 0x08, BytePrefix = 0x0A, WordPrefix = 0x0B,
            DWordPrefix = 0x0C, StringPrefix = 0x0D, QWordPrefix = 0x0E, ScopeOp = 0x10, BufferOp = 0x11,
            PackageOp = 0x12, DualNamePrefix = 0x2E, MultiNamePrefix = 0x2F, ExtOpPrefix = 0x5B, DeviceOp = 0x82;

        private const int PkgLengthReserve = 4; // the longest PkgLength encoding

        private readonly AcpiBlobWriter _out;
        private readonly int[] _open = new int[MaxDepth];
        private int _depth;

        /// <param name="capacity">The most bytes of AML the encoder can hold.</param>
        public AmlEncoder(int capacity) => _out = new AcpiBlobWriter(capacity, 0);

        /// <summary>The AML written so far; every opened term must have been closed.</summary>
        public ReadOnlySpan<byte> Bytes
        {
            get
            {
                if (_depth != 0)
                    throw new InvalidOperationException("AML: a Scope, Device or Package is still open");
                return _out.Written;
            }
        }

        /// <summary>Scope (name) { ... End }.</summary>
        public void Scope(string name)
        {
            _out.U8(ScopeOp);
            Open();
            NameString(name);
        }

        /// <summary>Device (name) { ... End }.</summary>
        public void Device(string name)
        {
            _out.U8(ExtOpPrefix);
            _out.U8(DeviceOp);
            Open();
            NameString(name);
        }

        /// <summary>Name (name, ...): the object written next is its value.</summary>
        public void Name(string name)
        {
            _out.U8(NameOp);
            NameString(name);
        }

        /// <summary>Package (elements) { ... End }: write that many data objects, then End.</summary>
        public void Package(int elements)
        {
            if (elements < 0 || elements > 0xFF)
                throw new ArgumentOutOfRangeException(nameof(elements));
            _out.U8(PackageOp);
            Open();
            _out.U8((uint)elements);
        }

        /// <summary>Closes the innermost open Scope, Device or Package.</summary>
        public void End()
        {
            if (_depth == 0)
                throw new InvalidOperationException("AML: End without an open Scope, Device or Package");
            int start = _open[--_depth];
            int content = _out.Position - start - PkgLengthReserve;
            int size = PkgLengthSize(content);
            uint length = (uint)(content + size);
            if (size == 1)
                _out.PatchU8(start, (byte)length);
            else
            {
                _out.PatchU8(start, (byte)(((size - 1) << 6) | (int)(length & 0x0F)));
                for (int i = 1; i < size; i++)
                    _out.PatchU8(start + i, (byte)(length >> (4 + 8 * (i - 1))));
            }
            _out.Remove(start + size, PkgLengthReserve - size);
        }

        /// <summary>An integer constant in its shortest form: Zero, One, or a byte/word/dword/qword constant.</summary>
        public void Integer(ulong value)
        {
            if (value == 0)
                _out.U8(ZeroOp);
            else if (value == 1)
                _out.U8(OneOp);
            else if (value <= 0xFF)
            {
                _out.U8(BytePrefix);
                _out.U8((uint)value);
            }
            else if (value <= 0xFFFF)
            {
                _out.U8(WordPrefix);
                _out.U16((uint)value);
            }
            else if (value <= 0xFFFFFFFF)
            {
                _out.U8(DWordPrefix);
                _out.U32((uint)value);
            }
            else
            {
                _out.U8(QWordPrefix);
                _out.U64(value);
            }
        }

        /// <summary>A string constant of ASCII characters 0x01-0x7F.</summary>
        public void String(string text)
        {
            _out.U8(StringPrefix);
            for (int i = 0; i < text.Length; i++)
            {
                if (text[i] == 0 || text[i] > 0x7F)
                    throw new ArgumentException("AML: strings hold ASCII characters 0x01-0x7F", nameof(text));
                _out.U8(text[i]);
            }
            _out.U8(0);
        }

        /// <summary>
        /// EisaId ("PNP0A03"): three upper-case letters packed 5 bits each into a big-endian word,
        /// then four hex digits as two bytes, read as a little-endian dword constant.
        /// </summary>
        public void EisaId(string id) => Integer(CompressEisaId(id));

        /// <summary>Buffer () { bytes }, e.g. a resource template.</summary>
        public void Buffer(ReadOnlySpan<byte> bytes)
        {
            _out.U8(BufferOp);
            Open();
            Integer((ulong)bytes.Length);
            _out.Bytes(bytes);
            End();
        }

        public static uint CompressEisaId(string id)
        {
            if (id.Length != 7)
                throw new ArgumentException("AML: an EISA id is three letters and four hex digits", nameof(id));
            uint vendor = 0;
            for (int i = 0; i < 3; i++)
            {
                if (id[i] < 'A' || id[i] > 'Z')
                    throw new ArgumentException("AML: an EISA id starts with three upper-case letters", nameof(id));
                vendor = (vendor << 5) | (uint)(id[i] - 'A' + 1);
            }
            uint product = 0;
            for (int i = 3; i < 7; i++)
                product = (product << 4) | HexDigit(id[i]);
            return (vendor >> 8) | ((vendor & 0xFF) << 8) | ((product >> 8) << 16) | ((product & 0xFF) << 24);
        }

        private static uint HexDigit(char c)
        {
            if (c >= '0' && c <= '9')
                return (uint)(c - '0');
            if (c >= 'A' && c <= 'F')
                return (uint)(c - 'A' + 10);
            throw new ArgumentException("AML: an EISA id ends with four upper-case hex digits");
        }

        private void Open()
        {
            if (_depth == MaxDepth)
                throw new InvalidOperationException("AML: terms nest too deeply");
            _open[_depth++] = _out.Position;
            _out.Zeros(PkgLengthReserve);
        }

        // PkgLength counts its own bytes: one byte up to 63, else a lead byte holding the low
        // nibble and 1-3 more bytes holding 8 bits each.
        private static int PkgLengthSize(int content)
        {
            if (content + 1 < 0x40)
                return 1;
            if (content + 2 < 0x1000)
                return 2;
            if (content + 3 < 0x100000)
                return 3;
            if (content + 4 < 0x10000000)
                return 4;
            throw new InvalidOperationException("AML: a package is longer than PkgLength can say");
        }

        // "\\_SB_.PCI0", "^FOO", "_HID": root and parent prefixes, then name segments of up to four
        // characters (letters, digits, '_'; not starting with a digit), padded with '_'.
        private void NameString(string name)
        {
            if (name.Length == 0)
                throw new ArgumentException("AML: a name cannot be empty", nameof(name));
            int i = 0;
            while (i < name.Length && (name[i] == '\\' || name[i] == '^'))
                _out.U8(name[i++]);
            if (i == name.Length)
            {
                _out.U8(0); // NullName
                return;
            }
            int segments = 1;
            for (int j = i; j < name.Length; j++)
            {
                if (name[j] == '.')
                    segments++;
            }
            if (segments == 2)
                _out.U8(DualNamePrefix);
            else if (segments > 2)
            {
                _out.U8(MultiNamePrefix);
                _out.U8((uint)segments);
            }
            while (true)
            {
                int end = i;
                while (end < name.Length && name[end] != '.')
                    end++;
                NameSegment(name, i, end - i);
                if (end == name.Length)
                    return;
                i = end + 1;
            }
        }

        private void NameSegment(string name, int start, int length)
        {
            if (length < 1 || length > 4)
                throw new ArgumentException("AML: name segments have 1 to 4 characters", nameof(name));
            for (int k = 0; k < 4; k++)
            {
                char c = k < length ? name[start + k] : '_';
                bool lead = c == '_' || (c >= 'A' && c <= 'Z');
                if (!lead && !(k > 0 && c >= '0' && c <= '9'))
                    throw new ArgumentException("AML: a name segment is upper-case letters, digits and '_', not starting with a digit", nameof(name));
                _out.U8(c);
            }
        }
    }
}
