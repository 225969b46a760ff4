// The request a VM's devices made of it (see DeviceRequest), with the isa-debug-exit status, and
// the one place its stop-reason text is made. One per VM, shared by its devices; a later request
// replaces an earlier one not yet acted on. Recorded in VMX root on port exits without
// allocating; the text allocates, once, when the VM stops.
using BareVisor.Core.Text;

namespace BareVisor.Core.Devices
{
    public sealed class DeviceRequests
    {
        public DeviceRequest Pending { get; private set; }

        // isa-debug-exit's exit status, (value << 1) | 1; 0 for the other requests.
        public uint Status { get; private set; }

        // Which device asked for the reset, when Pending is Reset.
        public ResetSource ResetSource { get; private set; }

        public void Record(DeviceRequest request, uint status = 0)
        {
            Pending = request;
            Status = status;
        }

        public void RecordReset(ResetSource source)
        {
            Record(DeviceRequest.Reset);
            ResetSource = source;
        }

        public string StopReason => Describe(Pending, Status, ResetSource);

        public static string Describe(DeviceRequest request, uint status, ResetSource source = ResetSource.KeyboardController) => request switch
        {
            DeviceRequest.PowerOff => "powered off through ACPI (S5)",
            DeviceRequest.Reset => source == ResetSource.SystemControlPortA ? "reset through port 0x92 (fast reset)" : "reset through the keyboard controller",
            DeviceRequest.DebugExit => Messages.WithDecimal("isa-debug-exit with status ", status, ""),
            _ => null,
        };
    }
}
