// Host test code. Little-endian byte assembly for boot-information and ACPI test images.
using System.Collections.Generic;
using System.Text;

namespace BareVisor.Core.Tests.Fakes
{
    public sealed class ByteWriter
    {
        public readonly List<byte> Bytes = new List<byte>();

        public int Position => Bytes.Count;

        public ByteWriter U8(int v) { Bytes.Add((byte)v); return this; }
        public ByteWriter U16(int v) { U8(v); U8(v >> 8); return this; }
        public ByteWriter U32(uint v) { for (int i = 0; i < 4; i++) U8((int)(v >> (8 * i))); return this; }
        public ByteWriter U64(ulong v) { for (int i = 0; i < 8; i++) U8((int)(v >> (8 * i))); return this; }
        public ByteWriter Ascii(string s) { Bytes.AddRange(Encoding.ASCII.GetBytes(s)); return this; }
        public ByteWriter CString(string s) { Ascii(s); return U8(0); }
        public ByteWriter Raw(byte[] b) { Bytes.AddRange(b); return this; }
        public ByteWriter Zeros(int n) { for (int i = 0; i < n; i++) U8(0); return this; }
        public ByteWriter AlignTo(int a) { while (Bytes.Count % a != 0) U8(0); return this; }

        public void PatchU32(int offset, uint v)
        {
            for (int i = 0; i < 4; i++)
                Bytes[offset + i] = (byte)(v >> (8 * i));
        }

        public byte[] ToArray() => Bytes.ToArray();
    }
}
