// A device on the guest's physical address space (memory-mapped I/O): a pure state machine. Read
// and Write take the offset from the start of the device's claimed range and the access size
// (1, 2, 4 or 8 bytes; the access lies wholly inside the range). Values are little-endian, in
// the low `size` bytes. Runs in VMX root; must not allocate.
namespace BareVisor.Core.Devices
{
    public abstract class MmioDevice
    {
        public abstract string Name { get; }

        public abstract ulong Read(ulong offset, int size);

        public abstract void Write(ulong offset, int size, ulong value);
    }
}
