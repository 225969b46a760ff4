// The guest's Firmware ACPI Control Structure (ACPI spec 5.2.10): required on a machine that is
// not hardware-reduced, for the global lock and the waking vector. Nothing is in it: no firmware
// shares the global lock and the guest never sleeps in a state it wakes from. It has no checksum
// and must sit on a 64-byte boundary. Runs at guest set-up.
namespace BareVisor.Core.Acpi.Guest
{
    internal static class GuestFacs
    {
        public const int Size = 64;
        public const int Alignment = 64;
        public const byte Version = 2;

        public static void Write(AcpiBlobWriter w)
        {
            w.Ascii("FACS", 4);
            w.U32(Size);
            w.U32(0);      // hardware signature
            w.U32(0);      // firmware waking vector
            w.U32(0);      // global lock
            w.U32(0);      // flags: no S4BIOS, no 64-bit wake
            w.U64(0);      // X firmware waking vector
            w.U8(Version);
            w.Zeros(3);
            w.U32(0);      // OSPM flags
            w.Zeros(24);
        }
    }
}
