// Pure logic; no hardware. The virtual devices a guest configuration may ask for, and their names in the file.
using System;

namespace BareVisor.Core.Config
{
    /// <summary>Devices BareVisor models for a guest. Every vCPU also gets a local APIC; that is not listed here.</summary>
    [Flags]
    public enum VirtualDevices
    {
        None = 0,

        /// <summary>16550A UART as COM1: I/O ports 0x3F8-0x3FF, IRQ 4. Its output goes to BareVisor's console.</summary>
        Serial = 1,

        /// <summary>The two 8259A interrupt controllers: ports 0x20-0x21 and 0xA0-0xA1.</summary>
        Pic = 2,

        /// <summary>8254 interval timer: ports 0x40-0x43, IRQ 0.</summary>
        Pit = 4,

        /// <summary>MC146818 real-time clock and CMOS: ports 0x70-0x71, IRQ 8.</summary>
        Rtc = 8,

        /// <summary>I/O APIC at 0xFEC00000, described to the guest in its ACPI MADT.</summary>
        IoApic = 16,
    }

    /// <summary>The spelling of each device in a configuration file (`devices = serial, pit`).</summary>
    public static class VirtualDeviceNames
    {
        /// <summary>What a VM gets when its section has no `devices` line.</summary>
        public const VirtualDevices Default = VirtualDevices.Serial;

        private static readonly string[] s_names = { "serial", "pic", "pit", "rtc", "ioapic" };

        private static readonly VirtualDevices[] s_devices =
        {
            VirtualDevices.Serial, VirtualDevices.Pic, VirtualDevices.Pit, VirtualDevices.Rtc, VirtualDevices.IoApic,
        };

        /// <summary>"serial, pic, pit, rtc, ioapic": for error messages and the documentation.</summary>
        public const string KnownList = "serial, pic, pit, rtc, ioapic";

        /// <summary>The device called name (exact, lowercase), or None.</summary>
        public static VirtualDevices FromName(string name)
        {
            for (int i = 0; i < s_names.Length; i++)
            {
                if (s_names[i] == name)
                    return s_devices[i];
            }
            return VirtualDevices.None;
        }

        /// <summary>The names of the devices in devices, in the order of <see cref="KnownList"/>, comma-separated; "none" for none.</summary>
        public static string Describe(VirtualDevices devices)
        {
            string text = "";
            for (int i = 0; i < s_devices.Length; i++)
            {
                if ((devices & s_devices[i]) != 0)
                    text = text.Length == 0 ? s_names[i] : string.Concat(text, ", ", s_names[i]);
            }
            return text.Length == 0 ? "none" : text;
        }
    }
}
