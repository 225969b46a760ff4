// Fatal errors: CPU exceptions in the kernel and unhandled C# exceptions, on any CPU. The first
// CPU to panic owns the report (a LOCK CMPXCHG on s_owner); a second one halts for good, so two
// reports never mix. The owner stops every other CPU with an NMI IPI (their NMI handler halts
// them, see StopIfAnotherCpuPanics), breaks the console lock open in case a stopped CPU held it,
// prints a report naming its CPU and powers off. Runs with interrupts off, on whatever stack
// faulted (double faults and NMIs arrive on their own IST stacks); takes no lock but the console
// and allocates nothing, so a broken heap or a CPU stopped inside a lock cannot stop it.
using System;
using System.Runtime.CompilerServices;
using BareVisor.Core.Text;
using BareVisor.Kernel.Arch;
using BareVisor.Kernel.Console;
using BareVisor.Kernel.Platform;
using BareVisor.Kernel.Smp;

namespace BareVisor.Kernel.Diagnostics
{
    internal static unsafe class Panic
    {
        private const ulong StopWaitMicroseconds = 100000;

        // 1 + the index of the CPU that owns the panic report; 0 while there is none.
        private static uint s_owner;

        internal static void CpuException(InterruptFrame* frame)
        {
            int others = Enter();
            TextBuffer line = new TextBuffer(stackalloc char[200]);
            AppendHeader(ref line);
            line.Append("CPU exception ");
            line.AppendDecimal(frame->Vector);
            line.Append(' ');
            line.Append(CpuExceptions.Mnemonic(frame->Vector));
            line.Append(' ');
            line.Append(CpuExceptions.Name(frame->Vector));
            line.Append(", error code ");
            line.AppendHexPrefixed(frame->ErrorCode, 1);
            Log.Error(line.Text);
            ReportStoppedCpus(others);
            StackTrace.PrintAddress("panic: RIP ", frame->Rip);
            PrintRegister("panic: CR2 ", Native.ReadCr2());
            PrintRegisters(frame);
            StackTrace.Print(frame->Rsp);
            PowerOff.Now(PowerOff.PanicStatus);
        }

        internal static void UnhandledException(Exception exception)
        {
            int others = Enter();
            TextBuffer line = new TextBuffer(stackalloc char[240]);
            AppendHeader(ref line);
            line.Append("unhandled exception ");
            AppendTypeName(ref line, exception);
            line.Append(": ");
            line.Append(exception.Message);
            Log.Error(line.Text);
            ReportStoppedCpus(others);
            StackTrace.Print(Native.ReadRsp());
            PowerOff.Now(PowerOff.PanicStatus);
        }

        internal static void Fatal(string message)
        {
            int others = Enter();
            TextBuffer line = new TextBuffer(stackalloc char[240]);
            AppendHeader(ref line);
            line.Append(message);
            Log.Error(line.Text);
            ReportStoppedCpus(others);
            StackTrace.Print(Native.ReadRsp());
            PowerOff.Now(PowerOff.PanicStatus);
        }

        // The NMI handler's and the NMI VM exit's question, on any CPU: when another CPU owns a
        // panic, this CPU marks itself stopped and halts for good (interrupts off; NMIs stay
        // blocked, as the handler never returns). Otherwise it returns.
        internal static void StopIfAnotherCpuPanics()
        {
            uint owner = s_owner;
            if (owner != 0 && owner != ThisCpu())
                Stop();
        }

        // Before the report: wins the report or halts (another CPU reports), stops the other CPUs
        // and opens the console. Returns how many other CPUs there are.
        private static int Enter()
        {
            uint me = ThisCpu();
            uint found;
            fixed (uint* owner = &s_owner)
                found = Native.AtomicCompareExchange(owner, 0, me);
            if (found == me)
            {
                // A fault while reporting a fault: say so and stop, rather than recurse.
                SerialPort.WriteLine("panic: fault while reporting a panic");
                PowerOff.Now(PowerOff.PanicStatus);
            }
            if (found != 0)
                Stop();
            int others = Cpus.Count - 1;
            if (others > 0)
                LocalApic.SendNmiToAllOthers();
            ulong start = Clock.MicrosecondsSinceEntry();
            while (StoppedCount() < others && Clock.MicrosecondsSinceEntry() - start < StopWaitMicroseconds)
                Native.Pause();
            // A CPU stopped in the middle of a log line leaves it open: the report starts on a line of its own.
            if (Locks.Console.Break())
                SerialPort.Write("\n");
            return others;
        }

        // "panic: on cpu 2 (APIC id 2): ": before Cpus knows the boot CPU (very early) just "panic: ".
        private static void AppendHeader(ref TextBuffer line)
        {
            line.Append("panic: ");
            if (Cpus.Count == 0)
                return;
            PerCpu* cpu = PerCpu.Current;
            line.Append("on cpu ");
            line.AppendDecimal((ulong)cpu->Index);
            line.Append(" (APIC id ");
            line.AppendDecimal(cpu->ApicId);
            line.Append("): ");
        }

        private static void ReportStoppedCpus(int others)
        {
            if (others <= 0)
                return;
            int stopped = StoppedCount();
            TextBuffer line = new TextBuffer(stackalloc char[120]);
            line.Append("panic: ");
            line.AppendDecimal((ulong)stopped);
            line.Append(" of ");
            line.AppendDecimal((ulong)others);
            line.Append(" other CPU(s) stopped");
            if (stopped < others)
            {
                line.Append("; no answer to the NMI within ");
                line.AppendDecimal(StopWaitMicroseconds / 1000);
                line.Append(" ms");
            }
            Log.Error(line.Text);
        }

        private static int StoppedCount()
        {
            int stopped = 0;
            for (int i = 0; i < Cpus.Count; i++)
            {
                if (Cpus.Get(i)->Stopped)
                    stopped++;
            }
            return stopped;
        }

        // 1 + this CPU's index (the boot CPU's before Cpus knows it: GS is not set up yet).
        private static uint ThisCpu() => Cpus.Count == 0 ? 1u : (uint)PerCpu.Current->Index + 1;

        private static void Stop()
        {
            if (Cpus.Count > 0)
                PerCpu.Current->Stopped = true;
            Native.HaltForever();
        }

        // The exception's type, from its type descriptor's symbol (the build strips ILC's "_ZTV<n>"
        // and assembly prefixes, leaving e.g. "System_InvalidOperationException").
        private static void AppendTypeName(ref TextBuffer line, Exception exception)
        {
            ulong methodTable = *(ulong*)Unsafe.As<Exception, nuint>(ref exception);
            if (SymbolTable.TryLookup(methodTable, out ReadOnlySpan<byte> name, out ulong offset) && offset == 0)
            {
                for (int i = 0; i < name.Length; i++)
                    line.Append((char)name[i]);
                return;
            }
            line.Append("type at ");
            line.AppendHexPrefixed(methodTable, 1);
        }

        private static void PrintRegisters(InterruptFrame* f)
        {
            PrintRow("RAX", f->Rax, "RBX", f->Rbx, "RCX", f->Rcx);
            PrintRow("RDX", f->Rdx, "RSI", f->Rsi, "RDI", f->Rdi);
            PrintRow("RBP", f->Rbp, "RSP", f->Rsp, "R8 ", f->R8);
            PrintRow("R9 ", f->R9, "R10", f->R10, "R11", f->R11);
            PrintRow("R12", f->R12, "R13", f->R13, "R14", f->R14);
            PrintRow("R15", f->R15, "RFL", f->Rflags, "CS ", f->Cs);
            PrintRow("SS ", f->Ss, "CR0", Native.ReadCr0(), "CR3", Native.ReadCr3());
            PrintRegister("panic: CR4 ", Native.ReadCr4());
        }

        private static void PrintRow(string n1, ulong v1, string n2, ulong v2, string n3, ulong v3)
        {
            TextBuffer line = new TextBuffer(stackalloc char[120]);
            line.Append("panic: ");
            AppendRegister(ref line, n1, v1);
            AppendRegister(ref line, n2, v2);
            AppendRegister(ref line, n3, v3);
            Log.Error(line.Text);
        }

        private static void AppendRegister(ref TextBuffer line, string name, ulong value)
        {
            line.Append(name);
            line.Append(' ');
            line.AppendHexPrefixed(value, 16);
            line.Append("  ");
        }

        private static void PrintRegister(string label, ulong value)
        {
            TextBuffer line = new TextBuffer(stackalloc char[64]);
            line.Append(label);
            line.AppendHexPrefixed(value, 1);
            Log.Error(line.Text);
        }
    }
}
