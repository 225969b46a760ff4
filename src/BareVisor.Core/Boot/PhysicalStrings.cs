// Runs at boot, may allocate. Reads NUL-terminated strings that a boot loader left somewhere in physical memory.
using BareVisor.Core.Memory;
using BareVisor.Core.Text;

namespace BareVisor.Core.Boot
{
    internal static class PhysicalStrings
    {
        /// <summary>Longer strings are taken to be garbage (a command line is well under a page).</summary>
        public const int MaxLength = 4096;

        // Reads end on 64-byte boundaries, so we never touch a page past the one holding the NUL.
        private const int ChunkSize = 64;

        /// <summary>Reads the string at address; extent covers its bytes including the NUL.</summary>
        public static bool TryRead<TMem>(ref TMem mem, HostPhysical address, out string text, out PhysicalRange extent)
            where TMem : struct, IPhysicalMemory
        {
            text = "";
            extent = default;
            int length = 0;
            while (length < MaxLength)
            {
                HostPhysical at = address + (ulong)length;
                int chunk = ChunkSize - (int)(at.Value & (ChunkSize - 1));
                System.ReadOnlySpan<byte> bytes = mem.Read(at, chunk);
                int nul = Ascii.IndexOfNul(bytes);
                if (nul >= 0)
                    return Finish(ref mem, address, length + nul, out text, out extent);
                if (bytes.Length < chunk)
                    return false; // unreadable memory before the NUL
                length += chunk;
            }
            return false;
        }

        private static bool Finish<TMem>(ref TMem mem, HostPhysical address, int length, out string text, out PhysicalRange extent)
            where TMem : struct, IPhysicalMemory
        {
            text = Ascii.FromBytes(mem.Read(address, length));
            extent = PhysicalRange.FromLength(address, (ulong)length + 1);
            return true;
        }
    }
}
