// Pure logic; no hardware. One problem found in a configuration file, with the line and field it is about.
using BareVisor.Core.Text;

namespace BareVisor.Core.Config
{
    public sealed class ConfigError
    {
        public ConfigError(int line, string field, string message, string vmName)
        {
            Line = line;
            Field = field;
            Message = message;
            VmName = vmName;
        }

        /// <summary>1-based line number; 0 when the error is about the whole file.</summary>
        public int Line { get; }

        /// <summary>The key (kernel, memory ...) or "section", "syntax", "file".</summary>
        public string Field { get; }

        public string Message { get; }

        /// <summary>The VM this error keeps from starting, or null when the line belongs to no VM.</summary>
        public string VmName { get; }

        /// <summary>"line 7: memory: ...; vm db not started", or "line 2: kernel: ...; line ignored".</summary>
        public string Describe()
        {
            TextBuffer text = new TextBuffer(stackalloc char[600]);
            if (Line > 0)
            {
                text.Append("line ");
                text.AppendDecimal((ulong)Line);
                text.Append(": ");
            }
            text.Append(Field);
            text.Append(": ");
            text.Append(Message);
            if (VmName != null)
            {
                text.Append("; vm ");
                text.Append(VmName);
                text.Append(" not started");
            }
            return text.ToString();
        }
    }
}
