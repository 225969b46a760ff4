// The guest's Differentiated System Description Table: \_S5 (soft-off with SLP_TYP
// AcpiPmDevice.SleepTypeS5) and the PCI root bridge \_SB.PCI0 (PNP0A03, bus 0), whose _CRS gives
// Linux its bus range and address windows: every I/O port but the configuration ports
// 0xCF8-0xCFF (listed as a plain I/O range, the bridge's own, which Linux keeps out of the
// windows), the VGA hole, and memory from the top of RAM below 4 GiB (or 1 MiB, for a guest with
// less RAM) up to the I/O APIC. There is no _OSC: it is optional for a conventional PCI root, and
// Linux passes over its absence on a PNP0A03 bridge with an info line. There is no _PRT: no
// device behind the bridge uses an interrupt pin. Runs at guest set-up.
using System;
using BareVisor.Core.Devices;

namespace BareVisor.Core.Acpi.Guest
{
    internal static class GuestDsdt
    {
        public const byte Revision = 2; // 64-bit integers

        private const int AmlCapacity = 512;
        private const int CrsCapacity = 128;
        private const ulong MiB = 0x100000;

        public static void Write(AcpiBlobWriter w, ulong memoryBelow4G)
        {
            int start = w.BeginTable("DSDT", Revision);
            w.Bytes(Aml(memoryBelow4G));
            w.EndTable(start);
        }

        private static ReadOnlySpan<byte> Aml(ulong memoryBelow4G)
        {
            // Names in a DSDT are relative to the root already: "_S5_" is \_S5_.
            AmlEncoder aml = new AmlEncoder(AmlCapacity);
            aml.Name("_S5_");
            aml.Package(4);
            aml.Integer(AcpiPmDevice.SleepTypeS5); // SLP_TYPa
            aml.Integer(AcpiPmDevice.SleepTypeS5); // SLP_TYPb (no PM1b block)
            aml.Integer(0);
            aml.Integer(0);
            aml.End();

            aml.Scope("_SB_");
            aml.Device("PCI0");
            aml.Name("_HID");
            aml.EisaId("PNP0A03");
            aml.Name("_UID");
            aml.Integer(0);
            aml.Name("_BBN");
            aml.Integer(0);
            aml.Name("_CRS");
            aml.Buffer(HostBridgeResources(memoryBelow4G));
            aml.End();
            aml.End();
            return aml.Bytes;
        }

        private static ReadOnlySpan<byte> HostBridgeResources(ulong memoryBelow4G)
        {
            ResourceTemplate crs = new ResourceTemplate(CrsCapacity);
            crs.WordBusNumber(0, 0xFF);
            crs.Io(PciHostBridge.Port, (byte)PciHostBridge.PortCount);
            crs.WordIo(0x0000, PciHostBridge.Port - 1);
            crs.WordIo(PciHostBridge.Port + PciHostBridge.PortCount, 0xFFFF);
            crs.DWordMemory(true, GuestPlatform.VgaWindowStart, GuestPlatform.VgaWindowEnd);
            ulong windowStart = memoryBelow4G < MiB ? MiB : memoryBelow4G;
            crs.DWordMemory(false, (uint)windowStart, GuestPlatform.PciMemoryWindowEnd);
            crs.EndTag();
            return crs.Bytes;
        }
    }
}
