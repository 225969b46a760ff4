// The report of a VM entry that failed (VcpuLoop says how: VMLAUNCH/VMRESUME failing outright,
// or an entry that failed its checks on guest state): the reason and a dump of the current VMCS,
// so the failed check can be found. Only this guest stops. VMX root, interrupts off.
using System;
using BareVisor.Core.Text;
using BareVisor.Core.Vmx;
using BareVisor.Kernel.Console;

namespace BareVisor.Kernel.Vmx
{
    internal static class EntryFailure
    {
        internal static void Report(string reason)
        {
            Log.Error("vmx: " + reason + "; VMCS follows");
            HardwareVmcs vmcs = default;
            LogSink sink = default;
            VmcsDump.Write(ref vmcs, ref sink);
        }

        private struct LogSink : ITextSink
        {
            public void Line(ReadOnlySpan<char> text)
            {
                TextBuffer line = new TextBuffer(stackalloc char[160]);
                line.Append("vmcs: ");
                line.Append(text);
                Log.Error(line.Text);
            }
        }
    }
}
