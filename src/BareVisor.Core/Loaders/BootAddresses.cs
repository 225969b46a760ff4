// Pure logic; no hardware. The fixed guest-physical addresses every load plan uses for what the
// loader itself generates, all in the first 192 KiB of guest RAM, below anything a kernel loads.
namespace BareVisor.Core.Loaders
{
    /// <summary>
    /// Low guest memory as the loaders lay it out:
    /// <code>
    ///   0x00000-0x00FFF  left alone (real-mode IVT and BIOS data area: zero, so "no EBDA")
    ///   0x01000-0x06FFF  page tables for 64-bit starts: PML4 0x1000, PDPT 0x2000, four page
    ///                    directories 0x3000-0x6FFF; identity map of 0-4 GiB in 2 MiB pages
    ///   0x07000-0x0701F  GDT: null, null, code (selector 0x10), flat data (selector 0x18)
    ///   0x08000-0x0FFFF  boot stack; the start state's RSP/ESP is 0x10000
    ///   0x10000-0x1FFFF  boot information: Linux boot_params (4 KiB) or the Multiboot information
    ///   0x20000-0x2FFFF  Linux command line (NUL-terminated)
    /// </code>
    /// The selectors follow the Linux boot protocol (__BOOT_CS 0x10, __BOOT_DS 0x18).
    /// </summary>
    public static class BootAddresses
    {
        public const ulong PageTables = 0x1000;
        public const ulong PageTablesSize = 0x6000;
        public const ulong Gdt = 0x7000;
        public const ushort GdtLimit = 4 * 8 - 1;
        public const ulong StackBottom = 0x8000;
        public const ulong StackTop = 0x10000;
        public const ulong BootInformation = 0x10000;
        public const ulong BootInformationMaxSize = 0x10000;
        public const ulong CommandLine = 0x20000;
        public const ulong CommandLineMaxSize = 0x10000;

        /// <summary>End of the loader's low area; kernels and modules must lie above it (or elsewhere).</summary>
        public const ulong LowAreaEnd = CommandLine + CommandLineMaxSize;

        public const ushort CodeSelector = 0x10;
        public const ushort DataSelector = 0x18;
    }
}
