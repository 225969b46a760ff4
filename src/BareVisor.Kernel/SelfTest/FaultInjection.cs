// Deliberate faults on request (command line `fault=...`), so tests can check that panic reports
// name the right vector, address and symbol. Never triggered otherwise. Runs on the BSP after the
// APs are up; `selftest=smp` and `fault=pagefault-ap` hand over to SmpSelfTest.
using System;
using System.Runtime.CompilerServices;
using BareVisor.Core.Boot;
using BareVisor.Kernel.Arch;
using BareVisor.Kernel.Boot;
using BareVisor.Kernel.Console;
using BareVisor.Kernel.Vmx;

namespace BareVisor.Kernel.SelfTest
{
    internal static unsafe class FaultInjection
    {
        internal static void Run(CommandLine options)
        {
            string selfTest = options.Get(BootOptions.SelfTest);
            if (selfTest == "runtime")
                RuntimeChecks.Run();
            else if (selfTest == "smp")
                SmpSelfTest.Run();
            string fault = options.Get(BootOptions.Fault);
            if (fault == null)
                return;
            Log.Info("selftest: deliberate fault '" + fault + "' requested on the command line");
            if (fault == "pagefault-ap" || fault == "pagefault-aps")
                SmpSelfTest.Run();
            else if (fault == "pagefault")
                TouchPageZero(null);
            else if (fault == "invalid-opcode")
                Native.InvalidOpcode();
            else if (fault == "throw")
                throw new InvalidOperationException("deliberate fault requested on the command line");
            else if (fault == "vm-entry")
                VirtualMachine.BreakNextGuestState = true;
            else
                Log.Warning("selftest: unknown fault '" + fault + "'; expected pagefault, pagefault-ap, pagefault-aps, invalid-opcode, throw or vm-entry");
        }

        // Not inlined, so the compiler cannot see the pointer is null and replace the load.
        [MethodImpl(MethodImplOptions.NoInlining)]
        internal static int TouchPageZero(int* address) => *address;
    }
}
