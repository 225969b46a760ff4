// Host tool. vm-instruction-errors.txt -> VmInstructionErrors.g.cs: enum VmInstructionError and
// VmInstructionErrorNames (name and SDM description).
using System.Collections.Generic;

namespace BareVisor.TableGen
{
    public static class VmInstructionErrorsEmitter
    {
        public static string Emit(List<TableRow> rows, string fileName)
        {
            var w = new CodeWriter();
            w.Header(fileName, "Pure data; runs anywhere and never allocates.");
            w.Open("namespace BareVisor.Core.Vmx");
            w.Summary("VM-instruction error numbers (Intel SDM Vol. 3C, \"VM Instruction Error Numbers\"): the VM-instruction error field after VMfailValid.");
            w.Open("public enum VmInstructionError : uint");
            foreach (TableRow row in rows)
            {
                w.Summary(row.Text);
                w.Line(row.Name + " = " + row.Value + ",");
            }
            w.Close();
            w.Line();
            w.Summary("Names and SDM descriptions of the VM-instruction errors, for diagnostics.");
            w.Open("public static class VmInstructionErrorNames");
            EmitSwitch(w, rows, "Name", "The error's name (\"VmEntryWithInvalidControlFields\"), or null for a number the table does not define.", false);
            w.Line();
            EmitSwitch(w, rows, "Description", "The SDM's description (\"VM entry with invalid control field(s)\"), or null for a number the table does not define.", true);
            w.Close();
            w.Close();
            return w.ToString();
        }

        private static void EmitSwitch(CodeWriter w, List<TableRow> rows, string method, string summary, bool description)
        {
            w.Summary(summary);
            w.Open("public static string " + method + "(VmInstructionError error)");
            w.Open("switch (error)");
            foreach (TableRow row in rows)
                w.Line("case VmInstructionError." + row.Name + ": return \"" + Escape(description ? row.Text : row.Name) + "\";");
            w.Line("default: return null;");
            w.Close();
            w.Close();
        }

        private static string Escape(string text) => text.Replace("\\", "\\\\").Replace("\"", "\\\"");
    }
}
