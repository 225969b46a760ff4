// Runs at boot, interrupts off, may allocate. Walks RSDP -> XSDT/RSDT -> MADT, FADT, DSDT (ACPI spec 5.2).
using System;
using System.Buffers.Binary;
using BareVisor.Core.Boot;
using BareVisor.Core.Memory;
using BareVisor.Core.Text;

namespace BareVisor.Core.Acpi
{
    /// <summary>
    /// Firmware tables are untrusted input. A broken RSDP or root table is an error; a broken table
    /// the root points to is skipped and named in AcpiInfo.Warnings.
    /// </summary>
    public static class AcpiParser
    {
        /// <summary>More root entries than this means a garbage root table; real ones list a few dozen.</summary>
        public const int MaxRootEntries = 4096;

        private const int RsdpRevisionOffset = 15;
        private const int RsdpRsdtOffset = 16;
        private const int RsdpLengthOffset = 20;
        private const int RsdpXsdtOffset = 24;
        private const uint MaxRsdpLength = 4096;

        public static bool TryParse<TMem>(ref TMem mem, HostPhysical rsdp, out AcpiInfo info, out string error)
            where TMem : struct, IPhysicalMemory
        {
            info = null;
            AcpiParseState state = new AcpiParseState();
            if (!TryReadRsdp(ref mem, rsdp, state.Info, out ulong rsdt, out ulong xsdt, out error))
                return false;
            if (!TryReadRoot(ref mem, rsdt, xsdt, state, out ReadOnlySpan<byte> root, out error))
                return false;
            int width = state.Info.RootSignature == "XSDT" ? 8 : 4;
            WalkRoot(ref mem, root, width, state);
            if (!state.HasMadt)
                state.Warnings.Add("acpi: no usable MADT (APIC): processor and I/O APIC lists are empty");
            if (state.Info.HasFadt)
                ReadSleepState(ref mem, state);
            else
                state.Warnings.Add("acpi: no usable FADT (FACP): no power-off or reset information");
            info = state.Finish();
            return true;
        }

        private static bool TryReadRsdp<TMem>(ref TMem mem, HostPhysical address, AcpiInfo info,
            out ulong rsdt, out ulong xsdt, out string error)
            where TMem : struct, IPhysicalMemory
        {
            rsdt = 0;
            xsdt = 0;
            ReadOnlySpan<byte> v1 = mem.Read(address, Rsdp.Version1Size);
            if (v1.Length < Rsdp.Version1Size || !Ascii.EqualsAscii(v1.Slice(0, 8), Rsdp.Signature))
                return Fail(Messages.WithHex("acpi: no RSDP signature \"RSD PTR \" at ", address.Value, ""), out error);
            if (AcpiChecksum.Sum(v1) != 0)
                return Fail(Messages.WithHex("acpi: RSDP at ", address.Value, " has a bad checksum"), out error);
            info.Revision = v1[RsdpRevisionOffset];
            info.OemId = Ascii.FromPadded(v1.Slice(9, 6));
            rsdt = BinaryPrimitives.ReadUInt32LittleEndian(v1.Slice(RsdpRsdtOffset));
            if (info.Revision < 2)
                return Succeed(out error);
            return TryReadRsdpV2(ref mem, address, out xsdt, out error);
        }

        private static bool TryReadRsdpV2<TMem>(ref TMem mem, HostPhysical address, out ulong xsdt, out string error)
            where TMem : struct, IPhysicalMemory
        {
            xsdt = 0;
            ReadOnlySpan<byte> v2 = mem.Read(address, Rsdp.Version2Size);
            if (v2.Length < Rsdp.Version2Size)
                return Fail(Messages.WithHex("acpi: RSDP v2 at ", address.Value, " is unreadable"), out error);
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(v2.Slice(RsdpLengthOffset));
            if (length < Rsdp.Version2Size || length > MaxRsdpLength)
                return Fail(Messages.WithDecimal("acpi: RSDP Length ", length, " is impossible (expected 36)"), out error);
            ReadOnlySpan<byte> whole = mem.Read(address, (int)length);
            if (whole.Length < (int)length || AcpiChecksum.Sum(whole) != 0)
                return Fail(Messages.WithHex("acpi: RSDP at ", address.Value, " has a bad extended checksum"), out error);
            xsdt = BinaryPrimitives.ReadUInt64LittleEndian(v2.Slice(RsdpXsdtOffset));
            return Succeed(out error);
        }

        // The XSDT when the RSDP offers one (revision 2+, non-zero address), else the RSDT; a bad
        // XSDT falls back to the RSDT with a warning, as Linux does.
        private static bool TryReadRoot<TMem>(ref TMem mem, ulong rsdt, ulong xsdt, AcpiParseState state,
            out ReadOnlySpan<byte> root, out string error)
            where TMem : struct, IPhysicalMemory
        {
            if (xsdt != 0)
            {
                string problem = ReadRootTable(ref mem, xsdt, "XSDT", out root);
                if (problem == null)
                    return Succeed(state, "XSDT", out error);
                if (rsdt == 0)
                    return Fail(problem, out error);
                state.Warnings.Add(problem + "; using the RSDT");
            }
            if (rsdt == 0)
            {
                root = default;
                return Fail("acpi: the RSDP gives no RSDT or XSDT address", out error);
            }
            string rsdtProblem = ReadRootTable(ref mem, rsdt, "RSDT", out root);
            if (rsdtProblem != null)
                return Fail(rsdtProblem, out error);
            return Succeed(state, "RSDT", out error);
        }

        private static string ReadRootTable<TMem>(ref TMem mem, ulong address, string signature, out ReadOnlySpan<byte> root)
            where TMem : struct, IPhysicalMemory
        {
            HostPhysical at = new HostPhysical(address);
            TableStatus status = AcpiTableReader.Read(ref mem, at, out root);
            if (status != TableStatus.Ok)
                return AcpiTableReader.Describe(root, at, status);
            if (!Ascii.EqualsAscii(root.Slice(0, 4), signature))
                return Messages.WithHex("acpi: table at ", address, " should be " + signature + " but has signature " + AcpiTableReader.Signature(root));
            return null;
        }

        private static void WalkRoot<TMem>(ref TMem mem, ReadOnlySpan<byte> root, int width, AcpiParseState state)
            where TMem : struct, IPhysicalMemory
        {
            int count = (root.Length - AcpiTableReader.HeaderSize) / width;
            if (count > MaxRootEntries)
            {
                state.Warnings.Add(Messages.WithDecimal("acpi: root table lists ", (ulong)count, " tables; only the first 4096 are read"));
                count = MaxRootEntries;
            }
            for (int i = 0; i < count; i++)
            {
                ReadOnlySpan<byte> entry = root.Slice(AcpiTableReader.HeaderSize + i * width);
                ulong address = width == 8 ? BinaryPrimitives.ReadUInt64LittleEndian(entry) : BinaryPrimitives.ReadUInt32LittleEndian(entry);
                VisitTable(ref mem, new HostPhysical(address), state);
            }
        }

        private static void VisitTable<TMem>(ref TMem mem, HostPhysical address, AcpiParseState state)
            where TMem : struct, IPhysicalMemory
        {
            if (address.Value == 0)
            {
                state.Warnings.Add("acpi: the root table has a null entry; skipped");
                return;
            }
            TableStatus status = AcpiTableReader.Read(ref mem, address, out ReadOnlySpan<byte> table);
            if (status == TableStatus.Ok || status == TableStatus.BadChecksum)
                state.TableSignatures.Add(AcpiTableReader.Signature(table));
            if (status != TableStatus.Ok)
            {
                state.Warnings.Add(AcpiTableReader.Describe(table, address, status) + "; skipped");
                return;
            }
            if (Ascii.EqualsAscii(table.Slice(0, 4), "APIC") && !state.HasMadt)
                MadtParser.Parse(table, state);
            else if (Ascii.EqualsAscii(table.Slice(0, 4), "FACP") && !state.Info.HasFadt)
            {
                state.Info.HasFadt = true;
                state.Info.Fadt = FadtParser.Parse(table);
            }
        }

        private static void ReadSleepState<TMem>(ref TMem mem, AcpiParseState state)
            where TMem : struct, IPhysicalMemory
        {
            HostPhysical dsdt = state.Info.Fadt.Dsdt;
            if (dsdt.Value == 0)
            {
                state.Warnings.Add("acpi: the FADT gives no DSDT address; no \\_S5_");
                return;
            }
            TableStatus status = AcpiTableReader.Read(ref mem, dsdt, out ReadOnlySpan<byte> table);
            if (status != TableStatus.Ok || !Ascii.EqualsAscii(table.Slice(0, 4), "DSDT"))
            {
                string problem = status != TableStatus.Ok ? AcpiTableReader.Describe(table, dsdt, status) : Messages.WithHex("acpi: table at ", dsdt.Value, " is not a DSDT");
                state.Warnings.Add(problem + "; no \\_S5_");
                return;
            }
            ReadOnlySpan<byte> aml = table.Slice(AcpiTableReader.HeaderSize);
            state.Info.HasS5 = SleepStateFinder.TryFindS5(aml, out state.Info.S5SleepTypeA, out state.Info.S5SleepTypeB);
            if (!state.Info.HasS5)
                state.Warnings.Add("acpi: the DSDT has no \\_S5_ package; no ACPI power-off");
        }

        private static bool Succeed(AcpiParseState state, string rootSignature, out string error)
        {
            state.Info.RootSignature = rootSignature;
            return Succeed(out error);
        }

        private static bool Succeed(out string error)
        {
            error = "";
            return true;
        }

        private static bool Fail(string message, out string error)
        {
            error = message;
            return false;
        }
    }
}
