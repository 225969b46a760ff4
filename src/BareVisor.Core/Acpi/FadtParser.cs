// Pure logic; no hardware. Reads the FADT, signature "FACP" (ACPI spec 5.2.9); every field is bounded by the table's Length.
using System;
using System.Buffers.Binary;
using BareVisor.Core.Memory;

namespace BareVisor.Core.Acpi
{
    internal static class FadtParser
    {
        // Field offsets from the ACPI spec's FADT table (5.2.9). ACPI 1.0 FADTs end at 116.
        private const int DsdtOffset = 40;
        private const int SciIntOffset = 46;
        private const int Pm1aCntBlkOffset = 64;
        private const int Pm1bCntBlkOffset = 68;
        private const int PmTmrBlkOffset = 76;
        private const int FlagsOffset = 112;
        private const int ResetRegOffset = 116;
        private const int ResetValueOffset = 128;
        private const int XDsdtOffset = 140;
        private const int XPm1aCntBlkOffset = 172;
        private const int XPm1bCntBlkOffset = 184;
        private const int XPmTmrBlkOffset = 208;

        private const uint ResetRegSupported = 1u << 10;  // Flags.RESET_REG_SUP

        public static FadtInfo Parse(ReadOnlySpan<byte> table)
        {
            FadtInfo fadt = default;
            fadt.SciInterrupt = (ushort)Field(table, SciIntOffset, 2);
            fadt.Flags = (uint)Field(table, FlagsOffset, 4);
            fadt.Pm1aControlBlock = Port(table, Pm1aCntBlkOffset, XPm1aCntBlkOffset);
            fadt.Pm1bControlBlock = Port(table, Pm1bCntBlkOffset, XPm1bCntBlkOffset);
            fadt.PmTimerBlock = Port(table, PmTmrBlkOffset, XPmTmrBlkOffset);
            fadt.Dsdt = new HostPhysical(Field(table, XDsdtOffset, 8));
            if (fadt.Dsdt.Value == 0)
                fadt.Dsdt = new HostPhysical(Field(table, DsdtOffset, 4));
            if ((fadt.Flags & ResetRegSupported) != 0 && table.Length >= ResetValueOffset + 1)
            {
                fadt.HasResetRegister = true;
                fadt.ResetRegister = GenericAddress.Read(table.Slice(ResetRegOffset));
                fadt.ResetValue = table[ResetValueOffset];
            }
            return fadt;
        }

        // The X_ block (a Generic Address) wins when present and in I/O space; else the 32-bit port field.
        private static uint Port(ReadOnlySpan<byte> table, int legacyOffset, int extendedOffset)
        {
            if (table.Length >= extendedOffset + GenericAddress.Size)
            {
                GenericAddress gas = GenericAddress.Read(table.Slice(extendedOffset));
                if (gas.Address != 0 && gas.AddressSpace == GenericAddress.SystemIo && gas.Address <= 0xFFFF)
                    return (uint)gas.Address;
            }
            return (uint)Field(table, legacyOffset, 4);
        }

        /// <summary>A little-endian field of 2, 4 or 8 bytes, or 0 when the table is too short to hold it.</summary>
        private static ulong Field(ReadOnlySpan<byte> table, int offset, int size)
        {
            if (table.Length < offset + size)
                return 0;
            ReadOnlySpan<byte> bytes = table.Slice(offset);
            switch (size)
            {
                case 2: return BinaryPrimitives.ReadUInt16LittleEndian(bytes);
                case 4: return BinaryPrimitives.ReadUInt32LittleEndian(bytes);
                default: return BinaryPrimitives.ReadUInt64LittleEndian(bytes);
            }
        }
    }
}
