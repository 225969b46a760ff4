// Pure logic; no hardware. I/O bitmaps A (ports 0000H-7FFFH) and B (8000H-FFFFH) of the "use I/O
// bitmaps" control (Intel SDM Vol. 3C, "I/O-Bitmap Addresses"): a set bit makes IN/OUT touching
// that port exit; an access that wraps past FFFFH always exits. Runs anywhere; never allocates.
using System;

namespace BareVisor.Core.Vmx
{
    public ref struct IoBitmaps
    {
        public const int BitmapSize = 4096;

        private const uint PortsPerBitmap = 0x8000;
        private const uint PortCount = 0x10000;

        private readonly Span<byte> a;
        private readonly Span<byte> b;

        /// <summary>Views the first 4096 bytes of each page (a shorter span is a BareVisor bug and fails the bounds check).</summary>
        public IoBitmaps(Span<byte> bitmapA, Span<byte> bitmapB)
        {
            a = bitmapA.Slice(0, BitmapSize);
            b = bitmapB.Slice(0, BitmapSize);
        }

        public void InterceptAll()
        {
            a.Fill(0xFF);
            b.Fill(0xFF);
        }

        public void PassThroughAll()
        {
            a.Clear();
            b.Clear();
        }

        /// <summary>Accesses to ports [port, port + count) exit. False, nothing changed, when the range is empty or passes FFFFH.</summary>
        public bool Intercept(uint port, uint count = 1) => SetRange(port, count, true);

        /// <summary>Accesses to ports [port, port + count) run in the guest. False, nothing changed, when the range is empty or passes FFFFH.</summary>
        public bool PassThrough(uint port, uint count = 1) => SetRange(port, count, false);

        /// <summary>Whether an access of size bytes (1, 2 or 4) at port exits: any of its ports intercepted, or it wraps past FFFFH.</summary>
        public bool IsIntercepted(ushort port, int size = 1)
        {
            if ((uint)port + (uint)size > PortCount)
                return true;
            for (uint p = port; p < (uint)port + (uint)size; p++)
            {
                if (IsPortIntercepted(p))
                    return true;
            }
            return false;
        }

        private bool SetRange(uint port, uint count, bool intercept)
        {
            if (count == 0 || port >= PortCount || count > PortCount - port)
                return false;
            for (uint p = port; p < port + count; p++)
            {
                ref byte cell = ref Cell(p);
                byte mask = (byte)(1 << (int)(p & 7));
                cell = intercept ? (byte)(cell | mask) : (byte)(cell & ~mask);
            }
            return true;
        }

        private bool IsPortIntercepted(uint port) => (Cell(port) & (1 << (int)(port & 7))) != 0;

        private ref byte Cell(uint port)
        {
            uint index = (port & (PortsPerBitmap - 1)) >> 3;
            return ref port < PortsPerBitmap ? ref a[(int)index] : ref b[(int)index];
        }
    }
}
