// Host test code. Sparse fake physical memory: byte arrays placed at physical addresses.
using System;
using System.Collections.Generic;
using BareVisor.Core.Memory;

namespace BareVisor.Core.Tests.Fakes
{
    public struct FakePhysicalMemory : IPhysicalMemory
    {
        private readonly List<(ulong Base, byte[] Bytes)> regions;

        public FakePhysicalMemory()
        {
            regions = new List<(ulong, byte[])>();
        }

        public static FakePhysicalMemory With(ulong address, byte[] bytes)
        {
            FakePhysicalMemory mem = new FakePhysicalMemory();
            mem.Place(address, bytes);
            return mem;
        }

        public void Place(ulong address, byte[] bytes) => regions.Add((address, bytes));

        /// <summary>Reads only within one placed region; a read past its end is short, like the contract allows.</summary>
        public ReadOnlySpan<byte> Read(HostPhysical address, int length)
        {
            Assert.True(length >= 0, "negative read length");
            foreach ((ulong start, byte[] bytes) in regions)
            {
                if (address.Value >= start && address.Value < start + (ulong)bytes.Length)
                {
                    int offset = (int)(address.Value - start);
                    return new ReadOnlySpan<byte>(bytes, offset, Math.Min(length, bytes.Length - offset));
                }
            }
            return ReadOnlySpan<byte>.Empty;
        }
    }
}
