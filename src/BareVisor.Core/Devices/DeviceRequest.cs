// What a device can ask of the machine it is part of, beyond raising an interrupt: end the VM
// (ACPI S5, isa-debug-exit) or reset it (the 8042's CPU reset line, port 0x92's fast reset; which
// one is a ResetSource). Devices record the request
// in their PcPlatform's DeviceRequests; the run loop acts on it once the exit that made it is
// handled.
namespace BareVisor.Core.Devices
{
    public enum DeviceRequest
    {
        None,
        PowerOff,
        Reset,
        DebugExit,
    }

    public enum ResetSource
    {
        KeyboardController,
        SystemControlPortA,
    }
}
