// Pure logic; no hardware. The load addresses a Multiboot header can give instead of ELF program
// headers (Multiboot 1 flags bit 16, "a.out kludge"; Multiboot2 address tag). Runs at guest set-up.
namespace BareVisor.Core.Loaders
{
    public struct KludgeAddresses
    {
        /// <summary>Where the header's magic is to land; ties file offsets to addresses.</summary>
        public uint HeaderAddr;
        /// <summary>Start of text; Multiboot2 allows 0xFFFFFFFF for "from the start of the file".</summary>
        public uint LoadAddr;
        /// <summary>End of text and data; 0 means the rest of the file.</summary>
        public uint LoadEndAddr;
        /// <summary>End of bss; 0 means no bss.</summary>
        public uint BssEndAddr;
        public uint EntryAddr;
    }

    /// <summary>The file slice and addresses the kludge fields describe, after checking them.</summary>
    internal struct KludgeLayout
    {
        public ulong FileOffset;
        public ulong LoadAddress;
        public ulong FileLength;
        public ulong BssLength;

        public const uint FromFileStart = 0xFFFFFFFF;

        /// <summary>headerOffset: where the header's magic is in the file.</summary>
        public static bool TryCompute(in KludgeAddresses a, int headerOffset, int fileLength, string prefix,
            out KludgeLayout layout, out string error)
        {
            layout = default;
            ulong load = a.LoadAddr;
            if (a.LoadAddr == FromFileStart)
                load = (ulong)a.HeaderAddr - (ulong)headerOffset;
            else if (a.LoadAddr > a.HeaderAddr)
                return LoaderText.Fail(prefix + ": load_addr " + LoaderText.Hex(a.LoadAddr) + " is above header_addr " + LoaderText.Hex(a.HeaderAddr), out error);
            if (a.HeaderAddr < (uint)headerOffset && a.LoadAddr == FromFileStart)
                return LoaderText.Fail(prefix + ": header_addr " + LoaderText.Hex(a.HeaderAddr) + " is below the header's file offset "
                    + LoaderText.Hex((ulong)headerOffset) + ", so the file would start below address 0", out error);
            ulong before = a.HeaderAddr - load; // bytes of text before the header
            if (before > (ulong)headerOffset)
                return LoaderText.Fail(prefix + ": load_addr " + LoaderText.Hex(a.LoadAddr) + " would start loading "
                    + LoaderText.Hex(before - (ulong)headerOffset) + " bytes before the start of the file", out error);
            layout.FileOffset = (ulong)headerOffset - before;
            layout.LoadAddress = load;
            ulong available = (ulong)fileLength - layout.FileOffset;
            if (a.LoadEndAddr == 0)
                layout.FileLength = available;
            else if (a.LoadEndAddr <= load)
                return LoaderText.Fail(prefix + ": load_end_addr " + LoaderText.Hex(a.LoadEndAddr) + " is not above load_addr " + LoaderText.Hex(load), out error);
            else if (a.LoadEndAddr - load > available)
                return LoaderText.Fail(prefix + ": text and data " + LoaderText.Range(load, a.LoadEndAddr) + " extend past the end of the file ("
                    + LoaderText.Hex(available) + " bytes from file offset " + LoaderText.Hex(layout.FileOffset) + ")", out error);
            else
                layout.FileLength = a.LoadEndAddr - load;
            ulong loadEnd = load + layout.FileLength;
            if (a.BssEndAddr != 0 && a.BssEndAddr < loadEnd)
                return LoaderText.Fail(prefix + ": bss_end_addr " + LoaderText.Hex(a.BssEndAddr) + " is below the end of text and data " + LoaderText.Hex(loadEnd), out error);
            layout.BssLength = a.BssEndAddr == 0 ? 0 : a.BssEndAddr - loadEnd;
            if (a.EntryAddr < load || a.EntryAddr >= loadEnd)
                return LoaderText.Fail(prefix + ": entry_addr " + LoaderText.Hex(a.EntryAddr) + " is outside the loaded text and data "
                    + LoaderText.Range(load, loadEnd), out error);
            error = null;
            return true;
        }
    }
}
