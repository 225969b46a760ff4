// Runs at boot, interrupts off, may allocate. Picks the Multiboot parser from the magic value the loader left in EAX.
using BareVisor.Core.Memory;
using BareVisor.Core.Text;

namespace BareVisor.Core.Boot
{
    public static class BootInfoParser
    {
        public static bool TryParse<TMem>(ref TMem mem, uint magic, HostPhysical info, out BootInfo result, out string error)
            where TMem : struct, IPhysicalMemory
        {
            if (magic == Multiboot2Parser.BootloaderMagic)
                return Multiboot2Parser.TryParse(ref mem, info, out result, out error);
            if (magic == Multiboot1Parser.BootloaderMagic)
                return Multiboot1Parser.TryParse(ref mem, info, out result, out error);
            result = null;
            error = Messages.WithHex("boot: unknown boot loader magic ", magic, " (expected Multiboot 0x2badb002 or Multiboot2 0x36d76289)");
            return false;
        }
    }
}
