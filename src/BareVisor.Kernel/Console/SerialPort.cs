// COM1, a 16550 UART at 115200 baud, 8N1: BareVisor's console. Polled output, usable from any
// context (including panics); no allocation, only plain statics.
using BareVisor.Kernel.Arch;

namespace BareVisor.Kernel.Console
{
    internal static class SerialPort
    {
        private const ushort Com1 = 0x3F8;
        private const ushort Data = 0, InterruptEnable = 1, FifoControl = 2, LineControl = 3;
        private const ushort ModemControl = 4, LineStatus = 5;
        private const byte TransmitterEmpty = 0x20;
        private const byte DataReady = 0x01;
        private const ushort Divisor115200 = 1;

        internal static void Initialize()
        {
            Native.Out8(Com1 + InterruptEnable, 0x00);
            Native.Out8(Com1 + LineControl, 0x80);            // DLAB: divisor latch access
            Native.Out8(Com1 + Data, (byte)Divisor115200);
            Native.Out8(Com1 + InterruptEnable, (byte)(Divisor115200 >> 8));
            Native.Out8(Com1 + LineControl, 0x03);            // 8 data bits, no parity, 1 stop bit
            Native.Out8(Com1 + FifoControl, 0xC7);            // FIFOs on and cleared, 14-byte threshold
            Native.Out8(Com1 + ModemControl, 0x03);           // DTR, RTS
        }

        // A byte typed on BareVisor's serial line, if one is waiting.
        internal static bool TryRead(out byte value)
        {
            bool ready = (Native.In8(Com1 + LineStatus) & DataReady) != 0;
            value = ready ? Native.In8(Com1 + Data) : (byte)0;
            return ready;
        }

        internal static void Write(char c)
        {
            // A UART that never drains (absent hardware reads 0xFF) must not hang the kernel.
            for (int spins = 0; spins < 100000 && (Native.In8(Com1 + LineStatus) & TransmitterEmpty) == 0; spins++)
                Native.Pause();
            Native.Out8(Com1 + Data, c < 0x80 ? (byte)c : (byte)'?');
        }

        internal static void Write(System.ReadOnlySpan<char> text)
        {
            for (int i = 0; i < text.Length; i++)
            {
                if (text[i] == '\n')
                    Write('\r');
                Write(text[i]);
            }
        }

        internal static void WriteLine(System.ReadOnlySpan<char> text)
        {
            Write(text);
            Write("\n");
        }
    }
}
