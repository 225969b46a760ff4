// Host tool. vmcs-fields.txt -> VmcsFields.g.cs: one enum per field width (encoding bits 14:13) and
// VmcsFieldTable (every encoding, and encoding -> name).
using System.Collections.Generic;

namespace BareVisor.TableGen
{
    public static class VmcsFieldsEmitter
    {
        // Indexed by the width bits 14:13 of an encoding (Intel SDM Vol. 3C, "VMREAD, VMWRITE, and Encodings of VMCS Fields").
        private static readonly string[] EnumNames = { "VmcsField16", "VmcsField64", "VmcsField32", "VmcsFieldNatural" };
        private static readonly string[] WidthNames = { "16-bit", "64-bit", "32-bit", "Natural-width" };
        private static readonly string[] AppendixSections = { "B.1", "B.2", "B.3", "B.4" };
        private static readonly string[] ValueTypes = { "ushort", "ulong", "uint", "ulong" };

        public static string Emit(List<TableRow> rows, string fileName)
        {
            Validate(rows, fileName);
            var w = new CodeWriter();
            w.Header(fileName, "Pure data; runs anywhere and never allocates.");
            w.Line("using System;").Line();
            w.Open("namespace BareVisor.Core.Vmx");
            for (int width = 0; width < 4; width++)
                EmitEnum(w, rows, width);
            EmitTable(w, rows);
            w.Close();
            return w.ToString();
        }

        /// <summary>The width bits 14:13 of an encoding.</summary>
        public static int Width(uint encoding) => (int)((encoding >> 13) & 3);

        // Full-access encodings only: bit 0 (access type) clear, bit 12 reserved, nothing above bit 14.
        private static void Validate(List<TableRow> rows, string fileName)
        {
            foreach (TableRow row in rows)
            {
                if ((row.Value & 1) != 0)
                    throw new TableFormatException(fileName, row.Line, row.Name + ": list the full encoding (bit 0 clear)");
                if ((row.Value & 0xFFFF_9000) != 0)
                    throw new TableFormatException(fileName, row.Line, row.Name + ": encoding has reserved bits set (12 or 31:15)");
            }
        }

        private static void EmitEnum(CodeWriter w, List<TableRow> rows, int width)
        {
            w.Summary(WidthNames[width] + " VMCS fields (encoding bits 14:13 = " + width + "; Intel SDM Vol. 3D, " + AppendixSections[width]
                + "). Read and written as " + ValueTypes[width] + " through Vmcs.Read/Write.");
            w.Open("public enum " + EnumNames[width] + " : uint");
            foreach (TableRow row in rows)
            {
                if (Width(row.Value) != width)
                    continue;
                w.Summary(row.Text);
                w.Line(row.Name + " = " + Hex(row.Value) + ",");
            }
            w.Close();
            w.Line();
        }

        private static void EmitTable(CodeWriter w, List<TableRow> rows)
        {
            w.Summary("Every field of the table: its encoding and name, for dumps and diagnostics.");
            w.Open("public static class VmcsFieldTable");
            w.Line("public const int Count = " + rows.Count + ";");
            w.Line();
            w.Summary("The full encoding of every field, in table order (Appendix B order).");
            w.Line("public static ReadOnlySpan<uint> Encodings => new uint[]");
            w.Line("{");
            for (int i = 0; i < rows.Count; i += 8)
                w.Line("    " + JoinHex(rows, i, 8));
            w.Line("};");
            w.Line();
            EmitNameSwitch(w, rows);
            w.Close();
        }

        private static void EmitNameSwitch(CodeWriter w, List<TableRow> rows)
        {
            w.Summary("The field's name (\"GuestRip\"), or null when the encoding is not a full encoding in the table.");
            w.Open("public static string Name(uint encoding)");
            w.Open("switch (encoding)");
            foreach (TableRow row in rows)
                w.Line("case " + Hex(row.Value) + ": return \"" + row.Name + "\";");
            w.Line("default: return null;");
            w.Close();
            w.Close();
        }

        private static string JoinHex(List<TableRow> rows, int start, int count)
        {
            var parts = new List<string>();
            for (int i = start; i < rows.Count && i < start + count; i++)
                parts.Add(Hex(rows[i].Value) + ",");
            return string.Join(" ", parts);
        }

        private static string Hex(uint value) => "0x" + value.ToString("X4");
    }
}
