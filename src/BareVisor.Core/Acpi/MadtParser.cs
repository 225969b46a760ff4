// Runs at boot, may allocate. Reads processors and I/O APICs from the MADT, signature "APIC" (ACPI spec 5.2.12).
using System;
using System.Buffers.Binary;
using BareVisor.Core.Memory;
using BareVisor.Core.Text;

namespace BareVisor.Core.Acpi
{
    internal static class MadtParser
    {
        private const int FixedSize = 44;  // header, Local Interrupt Controller Address, Flags

        private const byte TypeLocalApic = 0;
        private const byte TypeIoApic = 1;
        private const byte TypeLocalApicAddressOverride = 5;
        private const byte TypeLocalX2Apic = 9;

        // Local APIC Flags: Enabled (bit 0), Online Capable (bit 1, ACPI 6.3+): either means the
        // processor exists. Only an Enabled one is running and may be started at boot; an Online
        // Capable one waits for the platform to enable it (hot plug).
        private const uint ProcessorEnabled = 0x1;
        private const uint ProcessorUsable = 0x3;

        public static void Parse(ReadOnlySpan<byte> table, AcpiParseState state)
        {
            if (table.Length < FixedSize)
            {
                state.Warnings.Add("acpi: MADT is too short for its fixed fields; ignored");
                return;
            }
            state.HasMadt = true;
            state.Info.LocalApicAddress = new HostPhysical(BinaryPrimitives.ReadUInt32LittleEndian(table.Slice(36)));
            int offset = FixedSize;
            while (offset + 2 <= table.Length)
            {
                byte type = table[offset];
                byte length = table[offset + 1];
                if (length < 2 || length > table.Length - offset)
                {
                    state.Warnings.Add(Messages.WithDecimalAndHex("acpi: MADT entry type ", type, " at offset ", (ulong)offset, " has a bad length; rest of the MADT ignored"));
                    return;
                }
                ParseEntry(table.Slice(offset, length), type, state);
                offset += length;
            }
        }

        private static void ParseEntry(ReadOnlySpan<byte> entry, byte type, AcpiParseState state)
        {
            switch (type)
            {
                case TypeLocalApic:
                    if (entry.Length >= 8)
                        AddProcessor(state, entry[3], BinaryPrimitives.ReadUInt32LittleEndian(entry.Slice(4)));
                    break;
                case TypeIoApic:
                    if (entry.Length >= 12)
                        state.IoApics.Add(ReadIoApic(entry));
                    break;
                case TypeLocalApicAddressOverride:
                    if (entry.Length >= 12)
                        state.Info.LocalApicAddress = new HostPhysical(BinaryPrimitives.ReadUInt64LittleEndian(entry.Slice(4)));
                    break;
                case TypeLocalX2Apic:
                    if (entry.Length >= 16)
                        AddProcessor(state, BinaryPrimitives.ReadUInt32LittleEndian(entry.Slice(4)), BinaryPrimitives.ReadUInt32LittleEndian(entry.Slice(8)));
                    break;
            }
        }

        private static void AddProcessor(AcpiParseState state, uint apicId, uint flags)
        {
            if ((flags & ProcessorUsable) != 0)
                state.AddLocalApicId(apicId, (flags & ProcessorEnabled) != 0);
        }

        private static MadtIoApic ReadIoApic(ReadOnlySpan<byte> entry)
        {
            MadtIoApic ioApic;
            ioApic.Id = entry[2];
            ioApic.Address = new HostPhysical(BinaryPrimitives.ReadUInt32LittleEndian(entry.Slice(4)));
            ioApic.GsiBase = BinaryPrimitives.ReadUInt32LittleEndian(entry.Slice(8));
            return ioApic;
        }
    }
}
