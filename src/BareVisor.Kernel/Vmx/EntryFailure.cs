// A VM entry that failed: VMLAUNCH/VMRESUME failing outright (the VM-instruction error says why)
// or an entry that failed its checks on guest state (exit reason bit 31). Either way the report
// names the error and dumps the VMCS, and only this guest stops. VMX root, interrupts off.
using System;
using BareVisor.Core.Text;
using BareVisor.Core.Vmx;
using BareVisor.Kernel.Console;

namespace BareVisor.Kernel.Vmx
{
    internal static class EntryFailure
    {
        internal static string Describe(int status, int launched)
        {
            string instruction = launched == 0 ? "VMLAUNCH" : "VMRESUME";
            string reason = status == 1
                ? instruction + " failed: VMfailInvalid (no current VMCS)"
                : instruction + " failed: " + HardwareVmcs.LastError();
            Dump(reason);
            return reason;
        }

        internal static string DescribeExit(uint exitReason)
        {
            string reason = "VM entry failed: " + ExitReasonNames.Name((ExitReason)(ushort)exitReason);
            Dump(reason);
            return reason;
        }

        private static void Dump(string reason)
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
