// The host's CMOS real-time clock, read once per guest so the guest's RTC starts at the right
// time. Waits out an update in progress (bounded), decodes BCD and 12-hour forms. Runs at guest
// set-up with interrupts off.
using BareVisor.Core.Devices;
using BareVisor.Kernel.Arch;

namespace BareVisor.Kernel.Platform
{
    internal static class HostRtc
    {
        private const ushort Index = 0x70, Data = 0x71;
        private const byte UpdateInProgress = 0x80, BinaryMode = 0x04, Hour24 = 0x02;

        internal static ulong UnixSeconds()
        {
            for (int spins = 0; spins < 100000 && (Read(0x0A) & UpdateInProgress) != 0; spins++)
                Native.Pause();
            byte format = Read(0x0B);
            long seconds = Value(Read(0x00), format), minutes = Value(Read(0x02), format);
            long hours = Hours(Read(0x04), format);
            long day = Value(Read(0x07), format), month = Value(Read(0x08), format), year = 2000 + Value(Read(0x09), format);
            if (month < 1 || month > 12 || day < 1 || day > 31 || hours > 23 || minutes > 59 || seconds > 59)
                return 0;
            long days = CivilCalendar.DaysFromCivil(year, (int)month, (int)day);
            return (ulong)(days * 86400 + hours * 3600 + minutes * 60 + seconds);
        }

        private static long Hours(byte raw, byte format)
        {
            bool pm = (format & Hour24) == 0 && (raw & 0x80) != 0;
            long hours = Value((byte)(raw & 0x7F), format);
            if ((format & Hour24) == 0)
                hours = hours % 12 + (pm ? 12 : 0);
            return hours;
        }

        private static long Value(byte raw, byte format) => (format & BinaryMode) != 0 ? raw : (raw >> 4) * 10 + (raw & 0x0F);

        private static byte Read(byte register)
        {
            Native.Out8(Index, register);
            return Native.In8(Data);
        }
    }
}
