// The kernel log: one line per message on the serial console, prefixed with the time since
// kernel entry (from the TSC) and a level. Never allocates: safe with interrupts off. Any CPU: a
// line goes out whole under Locks.Console, so lines of different CPUs never mix.
using System;
using BareVisor.Core.Text;
using BareVisor.Kernel.Platform;
using BareVisor.Kernel.Smp;

namespace BareVisor.Kernel.Console
{
    internal enum LogLevel
    {
        Debug,
        Info,
        Warning,
        Error,
    }

    internal static class Log
    {
        internal static LogLevel Threshold = LogLevel.Info;

        internal static bool Shows(LogLevel level) => level >= Threshold;

        internal static void Debug(ReadOnlySpan<char> message) => Write(LogLevel.Debug, message);

        internal static void Info(ReadOnlySpan<char> message) => Write(LogLevel.Info, message);

        internal static void Warning(ReadOnlySpan<char> message) => Write(LogLevel.Warning, message);

        internal static void Error(ReadOnlySpan<char> message) => Write(LogLevel.Error, message);

        internal static void Write(LogLevel level, ReadOnlySpan<char> message)
        {
            if (!Shows(level))
                return;
            TextBuffer prefix = new TextBuffer(stackalloc char[32]);
            AppendTimestamp(ref prefix, Clock.MicrosecondsSinceEntry());
            prefix.Append(LevelName(level));
            ulong rflags = Locks.Console.Enter();
            SerialPort.Write(prefix.Text);
            SerialPort.WriteLine(message);
            Locks.Console.Exit(rflags);
        }

        // A line without timestamp or level (guest output, the banner), whole like a log line.
        internal static void Raw(ReadOnlySpan<char> line)
        {
            ulong rflags = Locks.Console.Enter();
            SerialPort.WriteLine(line);
            Locks.Console.Exit(rflags);
        }

        // "[    1.234567] ": seconds with microseconds, like the Linux kernel log.
        private static void AppendTimestamp(ref TextBuffer text, ulong microseconds)
        {
            text.Append('[');
            TextBuffer seconds = new TextBuffer(stackalloc char[20]);
            seconds.AppendDecimal(microseconds / 1000000);
            for (int pad = seconds.Length; pad < 5; pad++)
                text.Append(' ');
            text.Append(seconds.Text);
            text.Append('.');
            ulong fraction = microseconds % 1000000;
            for (ulong scale = 100000; scale > 0; scale /= 10)
                text.Append((char)('0' + fraction / scale % 10));
            text.Append("] ");
        }

        private static string LevelName(LogLevel level) => level switch
        {
            LogLevel.Debug => "debug ",
            LogLevel.Info => "info  ",
            LogLevel.Warning => "warn  ",
            _ => "error ",
        };
    }
}
