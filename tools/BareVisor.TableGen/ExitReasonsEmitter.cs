// Host tool. exit-reasons.txt -> ExitReasons.g.cs: enum ExitReason and ExitReasonNames.
using System.Collections.Generic;

namespace BareVisor.TableGen
{
    public static class ExitReasonsEmitter
    {
        public static string Emit(List<TableRow> rows, string fileName)
        {
            uint limit = 0;
            foreach (TableRow row in rows)
            {
                if (row.Value > 0xFFFF)
                    throw new TableFormatException(fileName, row.Line, row.Name + ": basic exit reasons are 16 bits");
                limit = row.Value + 1 > limit ? row.Value + 1 : limit;
            }
            var w = new CodeWriter();
            w.Header(fileName, "Pure data; runs anywhere and never allocates.");
            w.Open("namespace BareVisor.Core.Vmx");
            w.Summary("Basic VM-exit reasons: bits 15:0 of the exit-reason field (Intel SDM Vol. 3D, Appendix C).");
            w.Open("public enum ExitReason : ushort");
            foreach (TableRow row in rows)
            {
                w.Summary(row.Text);
                w.Line(row.Name + " = " + row.Value + ",");
            }
            w.Close();
            w.Line();
            EmitNames(w, rows, limit);
            w.Close();
            return w.ToString();
        }

        private static void EmitNames(CodeWriter w, List<TableRow> rows, uint limit)
        {
            w.Summary("Names of the exit reasons, for logs and per-reason counters.");
            w.Open("public static class ExitReasonNames");
            w.Summary("One more than the highest reason in the table: the size of a dense per-reason table.");
            w.Line("public const int Limit = " + limit + ";");
            w.Line();
            w.Summary("The reason's name (\"EptViolation\"), or null for a number the table does not define.");
            w.Open("public static string Name(ExitReason reason)");
            w.Open("switch (reason)");
            foreach (TableRow row in rows)
                w.Line("case ExitReason." + row.Name + ": return \"" + row.Name + "\";");
            w.Line("default: return null;");
            w.Close();
            w.Close();
            w.Close();
        }
    }
}
