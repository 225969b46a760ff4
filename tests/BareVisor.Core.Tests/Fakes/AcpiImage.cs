// Host test code. Builds ACPI tables with correct checksums.
using System;
using System.Text;

namespace BareVisor.Core.Tests.Fakes
{
    public static class AcpiImage
    {
        /// <summary>A system description table: 36-byte header plus body, checksum fixed.</summary>
        public static byte[] Table(string signature, byte[] body, byte revision = 1)
        {
            ByteWriter w = new ByteWriter().Ascii(signature).U32((uint)(36 + body.Length)).U8(revision).U8(0)
                .Ascii("BVTEST").Ascii("BAREVISR").U32(1).Ascii("BVCR").U32(1).Raw(body);
            byte[] bytes = w.ToArray();
            FixChecksum(bytes, 9, bytes.Length);
            return bytes;
        }

        public static byte[] Rsdp(byte revision, uint rsdt, ulong xsdt, string oem = "BVOEM ")
        {
            ByteWriter w = new ByteWriter().Ascii("RSD PTR ").U8(0).Ascii(oem).U8(revision).U32(rsdt);
            if (revision >= 2)
                w.U32(36).U64(xsdt).U8(0).Zeros(3);
            byte[] bytes = w.ToArray();
            FixChecksum(bytes, 8, 20);
            if (revision >= 2)
                FixChecksum(bytes, 32, 36);
            return bytes;
        }

        public static byte[] Xsdt(params ulong[] tables)
        {
            ByteWriter w = new ByteWriter();
            foreach (ulong t in tables) w.U64(t);
            return Table("XSDT", w.ToArray());
        }

        public static byte[] Rsdt(params uint[] tables)
        {
            ByteWriter w = new ByteWriter();
            foreach (uint t in tables) w.U32(t);
            return Table("RSDT", w.ToArray());
        }

        public static void FixChecksum(byte[] bytes, int checksumOffset, int length)
        {
            bytes[checksumOffset] = 0;
            byte sum = 0;
            for (int i = 0; i < length; i++) sum += bytes[i];
            bytes[checksumOffset] = (byte)(0 - sum);
        }
    }
}
