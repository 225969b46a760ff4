// Pure logic; no hardware; runs at boot in the kernel and on the build host in the image tool.
// Parses the guest configuration file (format: docs/boot-media.md). Never throws on bad input:
// every problem becomes a ConfigError, and a problem inside a [vm NAME] section rejects that VM
// only; the other VMs stay valid.
using System.Collections.Generic;
using BareVisor.Core.Text;

namespace BareVisor.Core.Config
{
    public static class GuestConfigParser
    {
        public static GuestConfigResult Parse(string text)
        {
            var state = new ParseState();
            if (text == null)
                text = "";
            text = WithoutByteOrderMark(text);
            if (text.Length > GuestConfigLimits.MaxFileBytes)
            {
                state.Errors.Add(new ConfigError(0, "file", Messages.WithDecimal("the file is larger than the limit of ", GuestConfigLimits.MaxFileBytes, " bytes; no VMs started"), null));
                return state.Result();
            }
            int start = 0, number = 1;
            while (start < text.Length)
            {
                int end = LineEnd(text, start);
                int contentEnd = end > start && text[end - 1] == '\r' ? end - 1 : end;
                ParseLine(state, text.Substring(start, contentEnd - start), number);
                start = end + 1;
                number++;
            }
            state.FinishSection();
            return state.Result();
        }

        // Editors on other systems may start the file with a UTF-8 byte order mark: as one character
        // when the host decoded the file, as three Latin-1 characters when the kernel reads its bytes.
        private static string WithoutByteOrderMark(string text)
        {
            if (text.Length >= 1 && text[0] == '\uFEFF')
                return text.Substring(1);
            if (text.Length >= 3 && text[0] == '\u00EF' && text[1] == '\u00BB' && text[2] == '\u00BF')
                return text.Substring(3);
            return text;
        }

        private static int LineEnd(string text, int start)
        {
            for (int i = start; i < text.Length; i++)
            {
                if (text[i] == '\n')
                    return i;
            }
            return text.Length;
        }

        private static void ParseLine(ParseState state, string line, int number)
        {
            if (!CheckCharacters(state, line, number))
                return;
            string content = ConfigText.Trimmed(line, 0, ConfigText.CommentStart(line));
            if (content.Length == 0)
                return;
            if (content[0] == '[')
            {
                state.StartSection(content, number);
                return;
            }
            int equals = content.IndexOf('=');
            if (equals < 0)
            {
                state.Error(number, "syntax", "expected 'key = value' or a [vm NAME] section header");
                return;
            }
            string key = ConfigText.Trimmed(content, 0, equals);
            string value = ConfigText.Trimmed(content, equals + 1, content.Length);
            if (key.Length == 0)
                state.Error(number, "syntax", "a line starts with '='; expected 'key = value'");
            else if (state.Section == null)
                state.Errors.Add(new ConfigError(number, key, "is outside any [vm NAME] section; line ignored", null));
            else
                state.Section.Set(number, key, value);
        }

        // Control characters, NULs and non-ASCII bytes mean a damaged or binary file: refuse the line.
        private static bool CheckCharacters(ParseState state, string line, int number)
        {
            if (line.Length > GuestConfigLimits.MaxLineLength)
            {
                state.Error(number, "syntax", Messages.WithDecimal("the line is longer than ", GuestConfigLimits.MaxLineLength, " characters"));
                return false;
            }
            for (int i = 0; i < line.Length; i++)
            {
                if (!ConfigText.IsAllowed(line[i]))
                {
                    state.Error(number, "syntax", string.Concat(Messages.WithDecimal("column ", (ulong)(i + 1), " holds "),
                        ConfigText.Quote(line[i]), "; the file must be printable ASCII"));
                    return false;
                }
            }
            return true;
        }

        private sealed class ParseState
        {
            internal readonly List<ConfigError> Errors = new List<ConfigError>();
            private readonly List<VmConfig> vms = new List<VmConfig>();
            private readonly List<VmSection> named = new List<VmSection>();   // sections with a valid header
            private int sectionCount;
            private int rejected;

            internal VmSection Section { get; private set; }

            /// <summary>An error on a line: it rejects the current VM, if there is one.</summary>
            internal void Error(int line, string field, string message)
            {
                if (Section != null)
                    Section.Error(line, field, message);
                else
                    Errors.Add(new ConfigError(line, field, message, null));
            }

            internal void StartSection(string header, int line)
            {
                FinishSection();
                sectionCount++;
                string name = SectionName(header, out string error);
                Section = new VmSection(name.Length != 0 ? name : "(unnamed)", line, Errors);
                if (error != null || !ConfigValues.CheckName(name, out error))
                    Section.Error(line, "section", error);
                else if (!CheckUnique(name, line))
                    return;
                else if (sectionCount > GuestConfigLimits.MaxVms)
                    Section.Error(line, "section", Messages.WithDecimal("more than ", GuestConfigLimits.MaxVms, " vms in one file"));
                else
                    named.Add(Section);
            }

            // The first section with a name owns it; later ones are rejected.
            private bool CheckUnique(string name, int line)
            {
                for (int i = 0; i < named.Count; i++)
                {
                    if (named[i].Name == name)
                    {
                        Section.Error(line, "section", Messages.WithDecimal("the name is already used by the vm on line ", (ulong)named[i].Line, ""));
                        return false;
                    }
                }
                return true;
            }

            internal void FinishSection()
            {
                if (Section == null)
                    return;
                VmConfig vm = Section.Finish();
                if (vm != null)
                    vms.Add(vm);
                else
                    rejected++;
                Section = null;
            }

            internal GuestConfigResult Result() => new GuestConfigResult(vms.ToArray(), Errors.ToArray(), rejected);
        }

        /// <summary>"[vm web]" -> "web". On a malformed header, error says why and the result is what
        /// errors call the section: the name if there is one, else the text between the brackets.</summary>
        private static string SectionName(string header, out string error)
        {
            error = null;
            int close = header.IndexOf(']');
            string inside = ConfigText.Trimmed(header, 1, close < 0 ? header.Length : close);
            int space = FirstSpace(inside);
            string kind = inside.Substring(0, space);
            string name = ConfigText.Trimmed(inside, space, inside.Length);
            if (close < 0)
                error = "the section header has no closing ']'";
            else if (close != header.Length - 1)
                error = "text after the section header's ']'";
            else if (kind != "vm")
                error = string.Concat("unknown section [", inside, "]; the only section is [vm NAME]");
            if (kind != "vm" && name.Length == 0)
                return inside;
            return name;
        }

        private static int FirstSpace(string text)
        {
            for (int i = 0; i < text.Length; i++)
            {
                if (ConfigText.IsSpace(text[i]))
                    return i;
            }
            return text.Length;
        }
    }
}
