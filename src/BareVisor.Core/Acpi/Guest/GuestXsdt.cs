// The guest's Extended System Description Table (ACPI spec 5.2.8): the FADT and the MADT. The
// FACS and DSDT are reached through the FADT. Runs at guest set-up.
namespace BareVisor.Core.Acpi.Guest
{
    internal static class GuestXsdt
    {
        public const byte Revision = 1;

        public static void Write(AcpiBlobWriter w, ulong fadt, ulong madt)
        {
            int start = w.BeginTable("XSDT", Revision);
            w.U64(fadt);
            w.U64(madt);
            w.EndTable(start);
        }
    }
}
