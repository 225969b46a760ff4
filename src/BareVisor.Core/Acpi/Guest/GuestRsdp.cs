// The guest's Root System Description Pointer (ACPI spec 5.2.5.3): revision 2, pointing at the
// XSDT only (RsdtAddress 0: every ACPI 2.0+ OS reads the XSDT), with both checksums. Runs at
// guest set-up.
using BareVisor.Core.Boot;

namespace BareVisor.Core.Acpi.Guest
{
    internal static class GuestRsdp
    {
        public const byte Revision = 2;

        private const int ChecksumOffset = 8;
        private const int ExtendedChecksumOffset = 32;

        public static void Write(AcpiBlobWriter w, ulong xsdt)
        {
            int start = w.Position;
            w.Ascii(Rsdp.Signature, 8);
            w.U8(0);                          // checksum of the first 20 bytes
            w.Ascii(AcpiBlobWriter.OemId, 6);
            w.U8(Revision);
            w.U32(0);                         // RsdtAddress
            w.U32(Rsdp.Version2Size);         // Length
            w.U64(xsdt);
            w.U8(0);                          // extended checksum, of all 36 bytes
            w.Zeros(3);
            w.FixChecksum(start, Rsdp.Version1Size, start + ChecksumOffset);
            w.FixChecksum(start, Rsdp.Version2Size, start + ExtendedChecksumOffset);
        }
    }
}
