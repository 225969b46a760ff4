// Address-to-name lookup over the symbol table build.ps1 embeds in the image (.symbols section):
// text lines "<16 hex digits address> <name>\n", sorted by address, covering code and read-only
// data (type descriptors name exception types). Used by panic reports; never allocates.
using System;
using BareVisor.Kernel.Arch;

namespace BareVisor.Kernel.Diagnostics
{
    internal static unsafe class SymbolTable
    {
        private static byte* s_start;
        private static byte* s_end;
        private static ulong s_textStart;
        private static ulong s_textEnd;

        internal static void Initialize(in KernelLayout layout)
        {
            s_start = (byte*)layout.SymbolsStart;
            s_end = (byte*)layout.SymbolsEnd;
            s_textStart = layout.TextStart;
            s_textEnd = layout.TextEnd;
        }

        internal static bool IsCode(ulong address) => address >= s_textStart && address < s_textEnd;

        // The nearest symbol at or below the address; false when there is none or no table.
        internal static bool TryLookup(ulong address, out ReadOnlySpan<byte> name, out ulong offset)
        {
            name = default;
            offset = 0;
            byte* best = null;
            ulong bestAddress = 0;
            for (byte* line = s_start; line + 18 <= s_end && *line != 0; line = NextLine(line))
            {
                ulong symbolAddress = ParseHex(line);
                if (symbolAddress > address)
                    break;
                best = line;
                bestAddress = symbolAddress;
            }
            if (best == null)
                return false;
            byte* nameStart = best + 17;
            name = new ReadOnlySpan<byte>(nameStart, (int)(NextLine(best) - 1 - nameStart));
            offset = address - bestAddress;
            return true;
        }

        private static byte* NextLine(byte* line)
        {
            while (line < s_end && *line != (byte)'\n')
                line++;
            return line + 1;
        }

        private static ulong ParseHex(byte* digits)
        {
            ulong value = 0;
            for (int i = 0; i < 16; i++)
            {
                byte c = digits[i];
                ulong digit = c <= '9' ? (ulong)(c - '0') : (ulong)(c - 'a' + 10);
                value = value << 4 | digit;
            }
            return value;
        }
    }
}
