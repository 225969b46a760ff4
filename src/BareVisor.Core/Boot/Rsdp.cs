// Pure logic; no hardware. Finds the ACPI Root System Description Pointer in a memory area (ACPI spec 5.2.5.1).
using System;
using System.Buffers.Binary;
using BareVisor.Core.Acpi;
using BareVisor.Core.Memory;
using BareVisor.Core.Text;

namespace BareVisor.Core.Boot
{
    /// <summary>
    /// Without Multiboot2's RSDP tags the kernel scans the first KiB of the EBDA and 0xE0000-0xFFFFF;
    /// the RSDP sits on a 16-byte boundary there and starts with "RSD PTR ".
    /// </summary>
    public static class Rsdp
    {
        public const string Signature = "RSD PTR ";
        public const int Version1Size = 20;   // through RsdtAddress, covered by Checksum
        public const int Version2Size = 36;   // through Reserved, covered by ExtendedChecksum

        /// <summary>The first RSDP in area (which starts at physical address areaBase) whose checksums are valid.</summary>
        public static bool TryFind(ReadOnlySpan<byte> area, HostPhysical areaBase, out HostPhysical rsdp)
        {
            int first = (int)((16 - (areaBase.Value & 15)) & 15);
            for (int offset = first; offset <= area.Length - Version1Size; offset += 16)
            {
                if (IsValidAt(area.Slice(offset)))
                {
                    rsdp = areaBase + (ulong)offset;
                    return true;
                }
            }
            rsdp = default;
            return false;
        }

        /// <summary>Signature and v1 checksum match; for revision 2+ also the extended checksum, when the area holds it.</summary>
        public static bool IsValidAt(ReadOnlySpan<byte> bytes)
        {
            if (bytes.Length < Version1Size || !Ascii.EqualsAscii(bytes.Slice(0, 8), Signature))
                return false;
            if (AcpiChecksum.Sum(bytes.Slice(0, Version1Size)) != 0)
                return false;
            byte revision = bytes[15];
            if (revision < 2 || bytes.Length < Version2Size)
                return true;
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(20));
            if (length < Version2Size || length > (uint)bytes.Length)
                return true; // cannot check what lies outside the area; the v1 checksum held
            return AcpiChecksum.Sum(bytes.Slice(0, (int)length)) == 0;
        }
    }
}
