// A best-effort stack trace for panics: compiled C# does not keep frame pointers, so this scans
// the stack for values that point just after a call instruction in kernel code. May read any
// mapped stack memory; never allocates.
using BareVisor.Core.Text;
using BareVisor.Kernel.Console;

namespace BareVisor.Kernel.Diagnostics
{
    internal static unsafe class StackTrace
    {
        private const int MaxWords = 2048;
        private const int MaxFrames = 16;

        internal static void Print(ulong stackPointer)
        {
            Log.Error("panic: stack trace (return addresses found on the stack):");
            ulong* word = (ulong*)(stackPointer & ~7UL);
            int frames = 0;
            for (int i = 0; i < MaxWords && frames < MaxFrames; i++)
            {
                ulong value = word[i];
                if (!SymbolTable.IsCode(value) || !FollowsCall(value))
                    continue;
                PrintAddress("panic:   ", value);
                frames++;
            }
            if (frames == 0)
                Log.Error("panic:   (none found)");
        }

        internal static void PrintAddress(string prefix, ulong address)
        {
            TextBuffer line = new TextBuffer(stackalloc char[200]);
            line.Append(prefix);
            AppendSymbolized(ref line, address);
            Log.Error(line.Text);
        }

        // "0x<address> <symbol>+0x<offset>", or just the address when no symbol is known.
        internal static void AppendSymbolized(ref TextBuffer line, ulong address)
        {
            line.AppendHexPrefixed(address, 16);
            if (!SymbolTable.TryLookup(address, out System.ReadOnlySpan<byte> name, out ulong offset))
                return;
            line.Append(' ');
            for (int i = 0; i < name.Length; i++)
                line.Append((char)name[i]);
            line.Append('+');
            line.AppendHexPrefixed(offset, 1);
        }

        // Direct call (E8 rel32) or indirect call (FF /2 with any addressing form, REX optional).
        private static bool FollowsCall(ulong returnAddress)
        {
            byte* code = (byte*)returnAddress;
            if (!SymbolTable.IsCode(returnAddress - 7))
                return false;
            if (code[-5] == 0xE8)
                return true;
            for (int length = 2; length <= 7; length++)
            {
                if (code[-length] == 0xFF && (code[-length + 1] >> 3 & 7) == 2)
                    return true;
            }
            return false;
        }
    }
}
