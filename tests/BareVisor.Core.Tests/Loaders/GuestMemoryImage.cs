// Host test code. Carries out a LoadPlan the way the kernel must (copy each segment's bytes from
// its source, then its zero fill) into sparse fake guest memory, so tests read what the guest sees.
using System;
using System.Collections.Generic;
using BareVisor.Core.Loaders;

namespace BareVisor.Core.Tests.Loaders
{
    public sealed class GuestMemoryImage
    {
        private const int PageSize = 4096;
        private readonly Dictionary<ulong, byte[]> _pages = new Dictionary<ulong, byte[]>();

        public static GuestMemoryImage Apply(LoadPlan plan, byte[] image, params byte[][] modules)
        {
            GuestMemoryImage memory = new GuestMemoryImage();
            foreach (LoadSegment s in plan.Segments)
            {
                byte[] source = s.Source switch
                {
                    LoadSource.Image => image,
                    LoadSource.Module => modules[s.ModuleIndex],
                    _ => s.Data,
                };
                Assert.True(s.SourceOffset + s.SourceLength <= (ulong)source.Length, s.Name + " reads past its source");
                memory.Write(s.Address.Value, new ReadOnlySpan<byte>(source, (int)s.SourceOffset, (int)s.SourceLength));
                memory.Write(s.Address.Value + s.SourceLength, new byte[s.ZeroFillLength]);
            }
            return memory;
        }

        public void Write(ulong address, ReadOnlySpan<byte> bytes)
        {
            for (int i = 0; i < bytes.Length; i++)
                Page(address + (ulong)i)[(int)((address + (ulong)i) % PageSize)] = bytes[i];
        }

        public byte[] Read(ulong address, int length)
        {
            byte[] result = new byte[length];
            for (int i = 0; i < length; i++)
                result[i] = Page(address + (ulong)i)[(int)((address + (ulong)i) % PageSize)];
            return result;
        }

        public uint U32(ulong address) => BitConverter.ToUInt32(Read(address, 4));
        public ulong U64(ulong address) => BitConverter.ToUInt64(Read(address, 8));
        public byte U8(ulong address) => Read(address, 1)[0];

        public string CString(ulong address)
        {
            List<char> chars = new List<char>();
            for (ulong a = address; U8(a) != 0; a++)
                chars.Add((char)U8(a));
            return new string(chars.ToArray());
        }

        public bool Touched(ulong address) => _pages.ContainsKey(address / PageSize);

        private byte[] Page(ulong address)
        {
            ulong number = address / PageSize;
            if (!_pages.TryGetValue(number, out byte[] page))
            {
                page = new byte[PageSize];
                _pages[number] = page;
            }
            return page;
        }
    }
}
