// Host side. Which Multiboot header a test guest's image starts with.
namespace BareVisor.Guests;

public enum MultibootFormat
{
    /// <summary>A guest module: no header, BareVisor loads it from its module command line.</summary>
    None,
    Multiboot1,
    Multiboot2,
}
