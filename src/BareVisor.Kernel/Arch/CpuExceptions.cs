// The architectural exception vectors (Intel SDM Vol. 3A, Table 6-1), as data.
namespace BareVisor.Kernel.Arch
{
    internal static class CpuExceptions
    {
        internal const int PageFault = 14;
        internal const int Nmi = 2;
        internal const int GeneralProtection = 13;

        private static readonly string[] s_mnemonics =
        {
            "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "CSO", "#TS", "#NP", "#SS", "#GP",
            "#PF", "#15", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP", "#22", "#23", "#24", "#25", "#26", "#27",
            "#HV", "#VC", "#SX", "#31",
        };

        private static readonly string[] s_names =
        {
            "Divide Error", "Debug", "Non-maskable Interrupt", "Breakpoint", "Overflow", "BOUND Range Exceeded",
            "Invalid Opcode", "Device Not Available", "Double Fault", "Coprocessor Segment Overrun",
            "Invalid TSS", "Segment Not Present", "Stack-Segment Fault", "General Protection",
            "Page Fault", "Reserved", "x87 Floating-Point Error", "Alignment Check", "Machine Check",
            "SIMD Floating-Point Exception", "Virtualization Exception", "Control Protection Exception",
            "Reserved", "Reserved", "Reserved", "Reserved", "Reserved", "Reserved",
            "Hypervisor Injection Exception", "VMM Communication Exception", "Security Exception", "Reserved",
        };

        internal static string Mnemonic(ulong vector) => vector < 32 ? s_mnemonics[vector] : "IRQ";

        internal static string Name(ulong vector) => vector < 32 ? s_names[vector] : "External Interrupt";
    }
}
