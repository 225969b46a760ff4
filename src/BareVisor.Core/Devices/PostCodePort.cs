// Port 0x80, the POST-code port firmware and kernels write progress codes (and I/O delays) to.
// Writes are kept, reads return the last one. Runs in VMX root; never allocates.
namespace BareVisor.Core.Devices
{
    public sealed class PostCodePort : PortDevice
    {
        public const ushort Port = 0x80;

        private byte _last;

        public override string Name => "POST code";

        public override uint Read(ushort offset, int size) => _last;

        public override void Write(ushort offset, int size, uint value) => _last = (byte)value;
    }
}
