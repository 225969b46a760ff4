// Pure logic; no hardware. Memory types as the BIOS e820 call and both Multiboot specs number them.
namespace BareVisor.Core.Boot
{
    /// <summary>
    /// e820 / Multiboot memory type. Values the loader reports beyond these (e.g. 7, persistent
    /// memory) are kept as their number and treated like Reserved: only Usable is ever allocated.
    /// </summary>
    public enum MemoryType : uint
    {
        Usable = 1,
        Reserved = 2,
        AcpiReclaimable = 3,
        AcpiNvs = 4,
        BadMemory = 5,
    }
}
