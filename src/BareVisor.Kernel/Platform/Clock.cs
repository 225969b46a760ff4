// Time since kernel entry from the TSC, calibrated once against the i8254 PIT (channel 2, gated
// through port 0x61, so no interrupt is needed). Runs at boot with interrupts off.
using BareVisor.Kernel.Arch;

namespace BareVisor.Kernel.Platform
{
    internal static class Clock
    {
        private const uint PitHz = 1193182;
        private const uint CalibrationMs = 10;

        private static ulong s_entryTsc;
        private static ulong s_tscPerMicrosecond;

        internal static ulong TscHz => s_tscPerMicrosecond * 1000000;

        internal static void Initialize(ulong entryTsc)
        {
            s_entryTsc = entryTsc;
            s_tscPerMicrosecond = CalibrateTscPerMicrosecond();
        }

        // Busy-waits, interrupts off. Bounded by the TSC, so it ends even if the PIT never counted.
        internal static void WaitMicroseconds(ulong microseconds)
        {
            ulong start = Native.ReadTsc();
            ulong ticks = microseconds * s_tscPerMicrosecond;
            while (Native.ReadTsc() - start < ticks)
                Native.Pause();
        }

        internal static ulong MicrosecondsSinceEntry() =>
            s_tscPerMicrosecond == 0 ? 0 : (Native.ReadTsc() - s_entryTsc) / s_tscPerMicrosecond;

        // Counts TSC ticks while PIT channel 2 counts down CalibrationMs in one-shot mode.
        private static ulong CalibrateTscPerMicrosecond()
        {
            const ushort Gate = 0x61, Command = 0x43, Channel2 = 0x42;
            uint count = PitHz * CalibrationMs / 1000;
            Native.Out8(Gate, (byte)((Native.In8(Gate) & 0xFC) | 0x01));   // gate on, speaker off
            Native.Out8(Command, 0xB0);                                      // channel 2, lo/hi, mode 0
            Native.Out8(Channel2, (byte)count);
            Native.Out8(Channel2, (byte)(count >> 8));
            ulong start = Native.ReadTsc();
            ulong spins = 0;
            while ((Native.In8(Gate) & 0x20) == 0 && spins++ < 100000000)
                Native.Pause();
            ulong ticks = Native.ReadTsc() - start;
            ulong perMicrosecond = ticks / (CalibrationMs * 1000);
            return perMicrosecond == 0 ? 1 : perMicrosecond;
        }
    }
}
