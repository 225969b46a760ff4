// Host tool. Parses the plain-text hardware tables: '#' comments, blank lines, optional "[Section]"
// headers, and rows "Name Value Text..." (Value hex with 0x, else decimal).
using System;
using System.Collections.Generic;
using System.Globalization;

namespace BareVisor.TableGen
{
    public sealed class TableFormatException : Exception
    {
        public TableFormatException(string file, int line, string message)
            : base(file + ":" + line + ": " + message) { }
    }

    public static class TableReader
    {
        /// <summary>All rows of a table, in file order; throws TableFormatException on a malformed line or a duplicate.</summary>
        public static List<TableRow> Read(string text, string fileName)
        {
            var rows = new List<TableRow>();
            string section = "", sectionText = "";
            string[] lines = text.Replace("\r\n", "\n").Split('\n');
            for (int i = 0; i < lines.Length; i++)
            {
                string line = lines[i].Trim();
                if (line.Length == 0 || line.StartsWith('#'))
                    continue;
                int close = line.IndexOf(']');
                if (line.StartsWith('[') && close > 0)
                {
                    section = RequireIdentifier(line.Substring(1, close - 1), fileName, i + 1);
                    sectionText = line.Substring(close + 1).Trim();
                    continue;
                }
                rows.Add(ParseRow(line, section, sectionText, fileName, i + 1));
            }
            CheckUnique(rows, fileName);
            return rows;
        }

        private static TableRow ParseRow(string line, string section, string sectionText, string fileName, int lineNumber)
        {
            string[] parts = line.Split((char[])null, 3, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 3)
                throw new TableFormatException(fileName, lineNumber, "expected 'Name Value Text', got '" + line + "'");
            string name = RequireIdentifier(parts[0], fileName, lineNumber);
            uint value = ParseValue(parts[1], fileName, lineNumber);
            return new TableRow(section, sectionText, name, value, parts[2].Trim(), lineNumber);
        }

        private static uint ParseValue(string token, string fileName, int lineNumber)
        {
            bool hex = token.StartsWith("0x", StringComparison.OrdinalIgnoreCase);
            string digits = hex ? token.Substring(2) : token;
            NumberStyles style = hex ? NumberStyles.AllowHexSpecifier : NumberStyles.None;
            if (!uint.TryParse(digits, style, CultureInfo.InvariantCulture, out uint value))
                throw new TableFormatException(fileName, lineNumber, "'" + token + "' is not a number");
            return value;
        }

        // PascalCase C# identifier: an upper-case letter, then letters and digits.
        private static string RequireIdentifier(string name, string fileName, int lineNumber)
        {
            bool ok = name.Length > 0 && char.IsAsciiLetterUpper(name[0]);
            foreach (char c in name)
                ok &= char.IsAsciiLetterOrDigit(c);
            if (!ok)
                throw new TableFormatException(fileName, lineNumber, "'" + name + "' is not a PascalCase identifier");
            return name;
        }

        // Names and values are unique within a section.
        private static void CheckUnique(List<TableRow> rows, string fileName)
        {
            var names = new HashSet<(string, string)>();
            var values = new HashSet<(string, uint)>();
            foreach (TableRow row in rows)
            {
                if (!names.Add((row.Section, row.Name)))
                    throw new TableFormatException(fileName, row.Line, "duplicate name " + row.Name);
                if (!values.Add((row.Section, row.Value)))
                    throw new TableFormatException(fileName, row.Line, "duplicate value of " + row.Name);
            }
        }
    }
}
