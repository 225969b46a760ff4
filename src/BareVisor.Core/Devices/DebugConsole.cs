// The debug console on port 0xE9 (Bochs's and QEMU's debugcon): the guest writes bytes, and each
// complete line goes to the sink. Long lines are split at 200 characters; reads return 0xE9,
// which is how guests detect the port. Runs in VMX root; a line costs one allocation.
using System;

namespace BareVisor.Core.Devices
{
    public sealed class DebugConsole : PortDevice
    {
        public const ushort Port = 0xE9;
        public const int MaxLine = 200;

        private readonly byte[] _line = new byte[MaxLine];
        private readonly Action<byte[], int> _lineSink;
        private int _length;

        public DebugConsole(Action<byte[], int> lineSink) => _lineSink = lineSink;

        public override string Name => "debug console";

        public override uint Read(ushort offset, int size) => Port;

        public override void Write(ushort offset, int size, uint value)
        {
            byte c = (byte)value;
            if (c == (byte)'\n')
            {
                Flush();
                return;
            }
            if (c == (byte)'\r')
                return;
            _line[_length++] = c;
            if (_length == MaxLine)
                Flush();
        }

        // Text left without a newline when the guest stops.
        public void Flush()
        {
            if (_length > 0)
                _lineSink(_line, _length);
            _length = 0;
        }
    }
}
