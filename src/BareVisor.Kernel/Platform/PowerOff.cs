// Ends the machine's run in every place BareVisor runs: QEMU's isa-debug-exit device (the exit
// status carries success or failure), Bochs's shutdown port, ACPI S5 from the FADT and DSDT,
// then a reset through the PCI reset register and the keyboard controller. Callable from any
// context, including panics; never returns.
using BareVisor.Kernel.Arch;
using BareVisor.Kernel.Console;

namespace BareVisor.Kernel.Platform
{
    internal static class PowerOff
    {
        internal const byte SuccessStatus = 0;
        internal const byte PanicStatus = 1;

        private const ushort QemuDebugExit = 0xF4;
        private const ushort BochsShutdown = 0x8900;
        private const ushort PciResetControl = 0xCF9;
        private const ushort KeyboardController = 0x64;

        private static ushort s_pm1aControl;
        private static ushort s_pm1bControl;
        private static ushort s_sleepTypeA;
        private static ushort s_sleepTypeB;

        // ACPI S5 parameters, once the tables have been read.
        internal static void UseAcpi(ushort pm1aControl, ushort pm1bControl, ushort sleepTypeA, ushort sleepTypeB)
        {
            s_pm1aControl = pm1aControl;
            s_pm1bControl = pm1bControl;
            s_sleepTypeA = sleepTypeA;
            s_sleepTypeB = sleepTypeB;
        }

        internal static void Now(byte status)
        {
            SerialPort.WriteLine("BareVisor: power off");
            Native.Out8(QemuDebugExit, status);
            const string Shutdown = "Shutdown";
            for (int i = 0; i < Shutdown.Length; i++)
                Native.Out8(BochsShutdown, (byte)Shutdown[i]);
            if (s_pm1aControl != 0)
            {
                const ushort SleepEnable = 1 << 13;
                Native.Out16(s_pm1aControl, (ushort)(s_sleepTypeA << 10 | SleepEnable));
                if (s_pm1bControl != 0)
                    Native.Out16(s_pm1bControl, (ushort)(s_sleepTypeB << 10 | SleepEnable));
            }
            Native.Out8(PciResetControl, 0x0E);
            Native.Out8(KeyboardController, 0xFE);
            Native.HaltForever();
        }
    }
}
