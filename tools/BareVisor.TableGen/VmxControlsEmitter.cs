// Host tool. vmx-controls.txt -> VmxControls.g.cs: one [Flags] enum per control field, the
// VmxControlKind enum (section name without "Controls") and VmxControlNames (bit -> name).
using System.Collections.Generic;

namespace BareVisor.TableGen
{
    public static class VmxControlsEmitter
    {
        public static string Emit(List<TableRow> rows, string fileName)
        {
            List<List<TableRow>> sections = Sections(rows, fileName);
            var w = new CodeWriter();
            w.Header(fileName, "Pure data; runs anywhere and never allocates.");
            w.Line("using System;").Line();
            w.Open("namespace BareVisor.Core.Vmx");
            foreach (List<TableRow> section in sections)
                EmitEnum(w, section);
            EmitKind(w, sections);
            EmitNames(w, sections);
            w.Close();
            return w.ToString();
        }

        // Rows grouped by section, in file order; every section name ends in "Controls".
        private static List<List<TableRow>> Sections(List<TableRow> rows, string fileName)
        {
            var sections = new List<List<TableRow>>();
            foreach (TableRow row in rows)
            {
                if (!row.Section.EndsWith("Controls") || row.Section == "Controls")
                    throw new TableFormatException(fileName, row.Line, "bits must follow a [<Kind>Controls] header");
                if (row.Value > 31)
                    throw new TableFormatException(fileName, row.Line, row.Name + ": control bits are 0..31");
                if (sections.Count == 0 || sections[^1][0].Section != row.Section)
                    sections.Add(new List<TableRow>());
                sections[^1].Add(row);
            }
            return sections;
        }

        private static string Kind(List<TableRow> section) =>
            section[0].Section.Substring(0, section[0].Section.Length - "Controls".Length);

        private static void EmitEnum(CodeWriter w, List<TableRow> section)
        {
            w.Summary(section[0].SectionText + " (Intel SDM Vol. 3C). Bits not listed are reserved; the capability MSR decides them.");
            w.Line("[Flags]");
            w.Open("public enum " + section[0].Section + " : uint");
            w.Line("None = 0,");
            foreach (TableRow row in section)
            {
                w.Summary(row.Text + " (bit " + row.Value + ")");
                w.Line(row.Name + " = 1u << " + row.Value + ",");
            }
            w.Close();
            w.Line();
        }

        private static void EmitKind(CodeWriter w, List<List<TableRow>> sections)
        {
            w.Summary("The 32-bit control fields whose bits the capability MSRs constrain.");
            w.Open("public enum VmxControlKind");
            foreach (List<TableRow> section in sections)
            {
                w.Summary(section[0].SectionText + " (" + section[0].Section + ")");
                w.Line(Kind(section) + ",");
            }
            w.Close();
            w.Line();
        }

        private static void EmitNames(CodeWriter w, List<List<TableRow>> sections)
        {
            w.Summary("Names of the control bits, for diagnostics (\"EnableEpt\").");
            w.Open("public static class VmxControlNames");
            w.Summary("The name of bit (0..31) of the given control field, or null when the SDM does not define it.");
            w.Open("public static string Name(VmxControlKind kind, int bit)");
            w.Open("switch (kind)");
            foreach (List<TableRow> section in sections)
                w.Line("case VmxControlKind." + Kind(section) + ": return " + Kind(section) + "Name(bit);");
            w.Line("default: return null;");
            w.Close();
            w.Close();
            foreach (List<TableRow> section in sections)
                EmitBitSwitch(w, section);
            w.Close();
        }

        private static void EmitBitSwitch(CodeWriter w, List<TableRow> section)
        {
            w.Line();
            w.Open("private static string " + Kind(section) + "Name(int bit)");
            w.Open("switch (bit)");
            foreach (TableRow row in section)
                w.Line("case " + row.Value + ": return \"" + row.Name + "\";");
            w.Line("default: return null;");
            w.Close();
            w.Close();
        }
    }
}
