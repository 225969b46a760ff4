// Host test code. A page of scratch registers: whatever is written at an offset reads back, 0
// before; the MMIO emulation tests use it as a device whose every byte can be checked.
using BareVisor.Core.Devices;

namespace BareVisor.Core.Tests.Fakes
{
    public sealed class ScratchRegisterPage : MmioDevice
    {
        public const ulong IoApicWindow = 0xFEC00000;
        public const int Size = 4096;

        private readonly byte[] _bytes = new byte[Size];

        public override string Name => "scratch registers";

        // Bytes past the page read as ones and drop writes (the bus never sends such accesses).
        public override ulong Read(ulong offset, int size)
        {
            ulong value = 0;
            for (int i = 0; i < size; i++)
                value |= (ulong)ByteAt(offset + (ulong)i) << (8 * i);
            return value;
        }

        public override void Write(ulong offset, int size, ulong value)
        {
            for (int i = 0; i < size; i++)
            {
                ulong at = offset + (ulong)i;
                if (at < Size)
                    _bytes[(int)at] = (byte)(value >> (8 * i));
            }
        }

        private byte ByteAt(ulong offset) => offset < Size ? _bytes[(int)offset] : (byte)0xFF;
    }
}
