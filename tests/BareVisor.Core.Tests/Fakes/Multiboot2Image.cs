// Host test code. Builds a Multiboot2 boot information block tag by tag.
using System;

namespace BareVisor.Core.Tests.Fakes
{
    public sealed class Multiboot2Image
    {
        private readonly ByteWriter w = new ByteWriter();

        public Multiboot2Image()
        {
            w.U32(0).U32(0); // total_size (patched), reserved
        }

        public int Offset => w.Position;

        public Multiboot2Image Tag(uint type, byte[] payload)
        {
            w.U32(type).U32((uint)(8 + payload.Length)).Raw(payload).AlignTo(8);
            return this;
        }

        public Multiboot2Image StringTag(uint type, string s) => Tag(type, new ByteWriter().CString(s).ToArray());

        public Multiboot2Image Module(uint start, uint end, string s) =>
            Tag(3, new ByteWriter().U32(start).U32(end).CString(s).ToArray());

        public Multiboot2Image MemoryMap(params (ulong Base, ulong Length, uint Type)[] entries)
        {
            ByteWriter p = new ByteWriter().U32(24).U32(0);
            foreach ((ulong b, ulong l, uint t) in entries)
                p.U64(b).U64(l).U32(t).U32(0);
            return Tag(6, p.ToArray());
        }

        public byte[] Finish(bool endTag = true)
        {
            if (endTag)
                w.U32(0).U32(8);
            w.PatchU32(0, (uint)w.Position);
            return w.ToArray();
        }
    }
}
