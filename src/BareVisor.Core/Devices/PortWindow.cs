// A view of part of another device's port range, for devices whose ports are not contiguous (the
// 8042 at 0x60 and 0x64, with port 0x61 between them belonging to someone else): claim the view
// at the second port and it forwards accesses with its offset added. Runs in VMX root on port
// exits; never allocates.
namespace BareVisor.Core.Devices
{
    public sealed class PortWindow : PortDevice
    {
        private readonly PortDevice _device;
        private readonly ushort _offset;
        private readonly string _name;

        public PortWindow(PortDevice device, int offset, string name)
        {
            _device = device;
            _offset = (ushort)offset;
            _name = name;
        }

        public override string Name => _name;

        public override uint Read(ushort offset, int size) => _device.Read((ushort)(offset + _offset), size);

        public override void Write(ushort offset, int size, uint value) => _device.Write((ushort)(offset + _offset), size, value);
    }
}
