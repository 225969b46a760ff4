// QEMU's isa-debug-exit device as BareVisor's own tests configure it (iobase 0xF4, iosize 4): a
// write of v, of any width, to any of its ports ends the guest with exit status (v << 1) | 1, so
// a guest's status is odd and cannot be mistaken for an ordinary exit. Reads return all ones.
// Runs in VMX root on port exits; never allocates after construction.
using System;

namespace BareVisor.Core.Devices
{
    public sealed class DebugExitPort : PortDevice
    {
        public const ushort Port = 0xF4;
        public const ushort PortCount = 4;

        private readonly Action<uint> _exit;

        /// <param name="exit">Called with the exit status when the guest writes the port.</param>
        public DebugExitPort(Action<uint> exit) => _exit = exit;

        public override string Name => "debug exit";

        public bool ClaimPorts(PortBus bus) => bus.TryClaim(Port, PortCount, this);

        public static uint ExitStatus(uint value) => (value << 1) | 1;

        public override uint Read(ushort offset, int size) => PortBus.AllOnes(size);

        public override void Write(ushort offset, int size, uint value) => _exit?.Invoke(ExitStatus(value & PortBus.AllOnes(size)));
    }
}
