// A device on the guest's I/O port space: a pure state machine. Read and Write take the port's
// offset from the device's first port and the access size (1, 2 or 4). Runs in VMX root.
namespace BareVisor.Core.Devices
{
    public abstract class PortDevice
    {
        public abstract string Name { get; }

        public abstract uint Read(ushort offset, int size);

        public abstract void Write(ushort offset, int size, uint value);
    }
}
