// Fatal errors: CPU exceptions in the kernel and unhandled C# exceptions. Prints a report on the
// serial console and powers off. Runs with interrupts off, on whatever stack faulted (double
// faults arrive on their own IST stack); allocates nothing, so a broken heap cannot stop it.
using System;
using System.Runtime.CompilerServices;
using BareVisor.Core.Text;
using BareVisor.Kernel.Arch;
using BareVisor.Kernel.Console;
using BareVisor.Kernel.Platform;

namespace BareVisor.Kernel.Diagnostics
{
    internal static unsafe class Panic
    {
        private static bool s_inPanic;

        internal static void CpuException(InterruptFrame* frame)
        {
            Enter();
            TextBuffer line = new TextBuffer(stackalloc char[200]);
            line.Append("panic: CPU exception ");
            line.AppendDecimal(frame->Vector);
            line.Append(' ');
            line.Append(CpuExceptions.Mnemonic(frame->Vector));
            line.Append(' ');
            line.Append(CpuExceptions.Name(frame->Vector));
            line.Append(", error code ");
            line.AppendHexPrefixed(frame->ErrorCode, 1);
            Log.Error(line.Text);
            StackTrace.PrintAddress("panic: RIP ", frame->Rip);
            PrintRegister("panic: CR2 ", Native.ReadCr2());
            PrintRegisters(frame);
            StackTrace.Print(frame->Rsp);
            PowerOff.Now(PowerOff.PanicStatus);
        }

        internal static void UnhandledException(Exception exception)
        {
            Enter();
            TextBuffer line = new TextBuffer(stackalloc char[240]);
            line.Append("panic: unhandled exception ");
            AppendTypeName(ref line, exception);
            line.Append(": ");
            line.Append(exception.Message);
            Log.Error(line.Text);
            StackTrace.Print(Native.ReadRsp());
            PowerOff.Now(PowerOff.PanicStatus);
        }

        internal static void Fatal(string message)
        {
            Enter();
            TextBuffer line = new TextBuffer(stackalloc char[240]);
            line.Append("panic: ");
            line.Append(message);
            Log.Error(line.Text);
            StackTrace.Print(Native.ReadRsp());
            PowerOff.Now(PowerOff.PanicStatus);
        }

        // A fault while reporting a fault: say so and stop, rather than recurse.
        private static void Enter()
        {
            if (s_inPanic)
            {
                SerialPort.WriteLine("panic: fault while reporting a panic");
                PowerOff.Now(PowerOff.PanicStatus);
            }
            s_inPanic = true;
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
