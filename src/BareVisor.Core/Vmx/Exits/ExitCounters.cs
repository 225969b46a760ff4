// VM exits counted by basic exit reason, per guest, for the report printed when a guest ends.
// Runs in VMX root; Count never allocates.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using BareVisor.Core.Text;

namespace BareVisor.Core.Vmx.Exits
{
    public struct ExitCounters
    {
        public const int MaxReasons = 80;

        private ulong[] _counts;

        public static ExitCounters Create() => new ExitCounters { _counts = new ulong[MaxReasons] };

        // The counts' address, for the exit stub's fast path (objects never move).
        public unsafe ulong Address => (ulong)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_counts));

        public void Count(ushort reason)
        {
            if (reason < MaxReasons)
                _counts[reason]++;
        }

        public ulong this[ExitReason reason] => (ushort)reason < MaxReasons ? _counts[(ushort)reason] : 0;


        // "CPUID 3, IO_INSTRUCTION 120, VMCALL 1", in exit-reason order.
        public string Describe()
        {
            TextBuffer text = new TextBuffer(stackalloc char[1024]);
            for (int i = 0; i < MaxReasons; i++)
            {
                if (_counts[i] == 0)
                    continue;
                if (text.Length > 0)
                    text.Append(", ");
                string name = ExitReasonNames.Name((ExitReason)i);
                text.Append(name ?? "reason ");
                if (name == null)
                    text.AppendDecimal((ulong)i);
                text.Append(' ');
                text.AppendDecimal(_counts[i]);
            }
            return text.Length == 0 ? "none" : text.ToString();
        }
    }
}
