// The one surface through which the kernel reaches privileged instructions (boot/cpu.asm) and
// linker-provided addresses (boot/layout.asm). Nothing else in BareVisor declares an external
// routine. Calls are direct (DirectPInvoke "barevisor") with no GC transition.
using System.Runtime.InteropServices;
using BareVisor.Core.Cpu;

namespace BareVisor.Kernel.Arch
{
    internal static unsafe class Native
    {
        private const string Lib = "barevisor";

        [DllImport(Lib, EntryPoint = "cpu_cpuid"), SuppressGCTransition]
        internal static extern void Cpuid(uint leaf, uint subleaf, CpuidResult* result);

        [DllImport(Lib, EntryPoint = "cpu_rdmsr"), SuppressGCTransition]
        internal static extern ulong ReadMsr(uint msr);

        [DllImport(Lib, EntryPoint = "cpu_rdmsr_safe"), SuppressGCTransition]
        internal static extern bool TryReadMsr(uint msr, ulong* value);

        [DllImport(Lib, EntryPoint = "cpu_wrmsr_safe"), SuppressGCTransition]
        internal static extern bool TryWriteMsr(uint msr, ulong value);

        [DllImport(Lib, EntryPoint = "cpu_read_cr0"), SuppressGCTransition]
        internal static extern ulong ReadCr0();

        [DllImport(Lib, EntryPoint = "cpu_read_cr2"), SuppressGCTransition]
        internal static extern ulong ReadCr2();

        [DllImport(Lib, EntryPoint = "cpu_read_cr3"), SuppressGCTransition]
        internal static extern ulong ReadCr3();

        [DllImport(Lib, EntryPoint = "cpu_read_cr4"), SuppressGCTransition]
        internal static extern ulong ReadCr4();

        [DllImport(Lib, EntryPoint = "cpu_write_cr3"), SuppressGCTransition]
        internal static extern void WriteCr3(ulong value);

        [DllImport(Lib, EntryPoint = "cpu_in8"), SuppressGCTransition]
        internal static extern byte In8(ushort port);

        [DllImport(Lib, EntryPoint = "cpu_out8"), SuppressGCTransition]
        internal static extern void Out8(ushort port, byte value);

        [DllImport(Lib, EntryPoint = "cpu_out16"), SuppressGCTransition]
        internal static extern void Out16(ushort port, ushort value);

        [DllImport(Lib, EntryPoint = "cpu_rdtsc"), SuppressGCTransition]
        internal static extern ulong ReadTsc();

        // Bochs's magic breakpoint; a no-op elsewhere (see boot/cpu.asm).
        [DllImport(Lib, EntryPoint = "cpu_bochs_mark"), SuppressGCTransition]
        internal static extern void BochsMark();

        [DllImport(Lib, EntryPoint = "cpu_lgdt"), SuppressGCTransition]
        internal static extern void LoadGdt(void* pointer);

        [DllImport(Lib, EntryPoint = "cpu_lidt"), SuppressGCTransition]
        internal static extern void LoadIdt(void* pointer);

        [DllImport(Lib, EntryPoint = "cpu_ltr"), SuppressGCTransition]
        internal static extern void LoadTaskRegister(ushort selector);

        [DllImport(Lib, EntryPoint = "cpu_load_segments"), SuppressGCTransition]
        internal static extern void LoadSegments(ushort code, ushort data);

        [DllImport(Lib, EntryPoint = "cpu_gs_self"), SuppressGCTransition]
        internal static extern PerCpu* GsSelf();

        // The AP start-up offer (boot/trampoline.asm); BSP only.
        [DllImport(Lib, EntryPoint = "smp_offer_start"), SuppressGCTransition]
        internal static extern void OfferApStart(PerCpu* cpu, ulong cr3, ulong efer);

        [DllImport(Lib, EntryPoint = "smp_withdraw_start"), SuppressGCTransition]
        internal static extern PerCpu* WithdrawApStart();

        [DllImport(Lib, EntryPoint = "cpu_pause"), SuppressGCTransition]
        internal static extern void Pause();

        // Atomics (LOCK XADD, LOCK CMPXCHG): the runtime has no System.Threading.Interlocked.
        [DllImport(Lib, EntryPoint = "cpu_atomic_fetch_add"), SuppressGCTransition]
        internal static extern uint AtomicFetchAdd(uint* location, uint value);

        [DllImport(Lib, EntryPoint = "cpu_atomic_compare_exchange"), SuppressGCTransition]
        internal static extern uint AtomicCompareExchange(uint* location, uint expected, uint desired);

        // RFLAGS before a CLI, for RestoreInterrupts.
        [DllImport(Lib, EntryPoint = "cpu_disable_interrupts"), SuppressGCTransition]
        internal static extern ulong DisableInterrupts();

        [DllImport(Lib, EntryPoint = "cpu_restore_interrupts"), SuppressGCTransition]
        internal static extern void RestoreInterrupts(ulong rflags);

        [DllImport(Lib, EntryPoint = "cpu_halt_forever"), SuppressGCTransition]
        internal static extern void HaltForever();

        [DllImport(Lib, EntryPoint = "cpu_read_rsp"), SuppressGCTransition]
        internal static extern ulong ReadRsp();

        [DllImport(Lib, EntryPoint = "cpu_invalid_opcode"), SuppressGCTransition]
        internal static extern void InvalidOpcode();

        [DllImport(Lib, EntryPoint = "cpu_write_cr0"), SuppressGCTransition]
        internal static extern void WriteCr0(ulong value);

        [DllImport(Lib, EntryPoint = "cpu_write_cr4"), SuppressGCTransition]
        internal static extern void WriteCr4(ulong value);

        [DllImport(Lib, EntryPoint = "cpu_xsetbv"), SuppressGCTransition]
        internal static extern void WriteXcr(uint index, ulong value);

        // VMX instructions (boot/vmx.asm): 0 = VMsucceed, 1 = VMfailInvalid, 2 = VMfailValid.
        [DllImport(Lib, EntryPoint = "vmx_on"), SuppressGCTransition]
        internal static extern int VmxOn(ulong vmxonRegion);

        [DllImport(Lib, EntryPoint = "vmx_clear"), SuppressGCTransition]
        internal static extern int VmClear(ulong vmcs);

        [DllImport(Lib, EntryPoint = "vmx_ptrld"), SuppressGCTransition]
        internal static extern int VmPtrLoad(ulong vmcs);

        [DllImport(Lib, EntryPoint = "vmx_read"), SuppressGCTransition]
        internal static extern int VmRead(ulong encoding, ulong* value);

        [DllImport(Lib, EntryPoint = "vmx_write"), SuppressGCTransition]
        internal static extern int VmWrite(ulong encoding, ulong value);

        [DllImport(Lib, EntryPoint = "vmx_invept"), SuppressGCTransition]
        internal static extern int InvEpt(ulong type, ulong* descriptor);

        [DllImport(Lib, EntryPoint = "vmx_invvpid"), SuppressGCTransition]
        internal static extern int InvVpid(ulong type, ulong* descriptor);

        // Enters the guest (VMLAUNCH when launched is 0, else VMRESUME); 0 after a VM exit.
        [DllImport(Lib, EntryPoint = "vmx_run"), SuppressGCTransition]
        internal static extern int VmRun(void* guestRegisters, int launched);

        [DllImport(Lib, EntryPoint = "kernel_layout"), SuppressGCTransition]
        internal static extern void GetKernelLayout(KernelLayout* layout);
    }

    // Addresses the linker script defines (linker/kernel.ld), filled in by boot/layout.asm.
    internal struct KernelLayout
    {
        public ulong ImageStart;
        public ulong ImageEnd;
        public ulong TextStart;
        public ulong TextEnd;
        public ulong RodataStart;
        public ulong DataStart;
        public ulong BssStart;
        public ulong BssEnd;
        public ulong ModulesStart;
        public ulong ModulesEnd;
        public ulong SymbolsStart;
        public ulong SymbolsEnd;
        public ulong BootHeapStart;
        public ulong BootHeapEnd;
        public ulong EntryTsc;
        public ulong IsrTable;
        public ulong FaultFixupTable;
        public ulong FaultFixupCount;
        public ulong BootStackTop;
        public ulong ApTrampolineStart;
        public ulong ApTrampolineEnd;
    }
}
