// Pure logic; no hardware. ACPI structures are valid when all their bytes sum to zero (mod 256).
using System;

namespace BareVisor.Core.Acpi
{
    public static class AcpiChecksum
    {
        public static byte Sum(ReadOnlySpan<byte> bytes)
        {
            byte sum = 0;
            for (int i = 0; i < bytes.Length; i++)
                sum += bytes[i];
            return sum;
        }
    }
}
