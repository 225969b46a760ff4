// Pure logic; no hardware. Prints every VMCS field of the table that the CPU lets us read, grouped
// by type, as "GuestRip 0x000000000000fff0": for failed VM entries and fatal exits (VMX root,
// interrupts off). Never allocates; fields whose VMREAD fails are skipped.
using System;
using BareVisor.Core.Text;

namespace BareVisor.Core.Vmx
{
    public static class VmcsDump
    {
        private const int LineLength = 96;   // longest name (48) + " 0x" + 16 digits, with room to spare

        public static void Write<TVmcs, TSink>(ref TVmcs vmcs, ref TSink sink)
            where TVmcs : struct, IVmcs
            where TSink : struct, ITextSink
        {
            WriteGroup(ref vmcs, ref sink, VmcsFieldType.Control, "-- VMCS control fields --");
            WriteGroup(ref vmcs, ref sink, VmcsFieldType.ReadOnlyData, "-- VMCS exit information --");
            WriteGroup(ref vmcs, ref sink, VmcsFieldType.GuestState, "-- VMCS guest state --");
            WriteGroup(ref vmcs, ref sink, VmcsFieldType.HostState, "-- VMCS host state --");
        }

        private static void WriteGroup<TVmcs, TSink>(ref TVmcs vmcs, ref TSink sink, VmcsFieldType type, string header)
            where TVmcs : struct, IVmcs
            where TSink : struct, ITextSink
        {
            sink.Line(header.AsSpan());
            TextBuffer text = new TextBuffer(stackalloc char[LineLength]);
            ReadOnlySpan<uint> encodings = VmcsFieldTable.Encodings;
            for (int i = 0; i < encodings.Length; i++)
            {
                uint encoding = encodings[i];
                if (VmcsFieldEncoding.Type(encoding) != type || !vmcs.TryRead(encoding, out ulong value))
                    continue;
                text.Clear();
                FormatField(ref text, encoding, value);
                sink.Line(text.Text);
            }
        }

        /// <summary>"Name 0x" and the value zero-padded to the field's width (4, 8 or 16 digits).</summary>
        public static void FormatField(ref TextBuffer text, uint encoding, ulong value)
        {
            text.Append(VmcsFieldTable.Name(encoding));
            text.Append(' ');
            text.AppendHexPrefixed(value, VmcsFieldEncoding.HexDigits(encoding));
        }
    }
}
