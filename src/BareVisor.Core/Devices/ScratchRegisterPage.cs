// A page of scratch registers: whatever the guest writes at an offset it reads back, 0 before.
// BareVisor places one at the I/O APIC's register window (guest-physical 0xFEC00000) as a
// stand-in until a real I/O APIC model exists, so guests and the MMIO benchmark have a device
// page to poke; it does not behave like an I/O APIC. Runs in VMX root; never allocates.
namespace BareVisor.Core.Devices
{
    public sealed class ScratchRegisterPage : MmioDevice
    {
        public const ulong IoApicWindow = 0xFEC00000;
        public const int Size = 4096;

        private readonly byte[] _bytes = new byte[Size];

        public override string Name => "scratch registers (I/O APIC window stand-in)";

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
