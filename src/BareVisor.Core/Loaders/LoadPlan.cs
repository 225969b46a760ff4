// Pure logic; no hardware. What a guest loader produces: the bytes to place in guest-physical
// memory and the vCPU state to start in. Built at guest set-up (allocates); the kernel carries it out.
using BareVisor.Core.Guests;
using BareVisor.Core.Memory;

namespace BareVisor.Core.Loaders
{
    /// <summary>Where a segment's bytes come from.</summary>
    public enum LoadSource
    {
        /// <summary>The kernel image the loader was given (a slice of it).</summary>
        Image,
        /// <summary>A module (initrd, Multiboot module) by <see cref="LoadSegment.ModuleIndex"/>.</summary>
        Module,
        /// <summary>Bytes the loader built (boot_params, Multiboot information, GDT, page tables).</summary>
        Generated,
    }

    /// <summary>
    /// Copy SourceLength bytes from the source at SourceOffset to guest-physical Address, then write
    /// ZeroFillLength zero bytes right after them (an ELF .bss).
    /// </summary>
    public readonly struct LoadSegment
    {
        public readonly string Name;
        public readonly GuestPhysical Address;
        public readonly LoadSource Source;
        public readonly int ModuleIndex;
        public readonly byte[] Data;
        public readonly ulong SourceOffset;
        public readonly ulong SourceLength;
        public readonly ulong ZeroFillLength;

        public LoadSegment(string name, GuestPhysical address, LoadSource source, int moduleIndex, byte[] data,
            ulong sourceOffset, ulong sourceLength, ulong zeroFillLength)
        {
            Name = name;
            Address = address;
            Source = source;
            ModuleIndex = moduleIndex;
            Data = data;
            SourceOffset = sourceOffset;
            SourceLength = sourceLength;
            ZeroFillLength = zeroFillLength;
        }

        /// <summary>Guest memory the segment occupies: the copied bytes and the zero fill.</summary>
        public ulong MemoryLength => SourceLength + ZeroFillLength;

        public GuestPhysical End => Address + MemoryLength;
    }

    /// <summary>
    /// The vCPU's first state. Rip is a linear address: paging is off (protected, real mode) or the
    /// plan's identity map is live (long mode), so it equals the guest-physical address. In real
    /// mode CS is CodeSelector with base CodeSelector * 16 and IP is Rip minus that base.
    /// </summary>
    public sealed class StartState
    {
        public GuestStartMode Mode;
        public ulong Rip;
        public ulong Rsp;
        public ulong Rax;
        public ulong Rbx;
        public ulong Rsi;

        /// <summary>Page-table root for long mode (the plan's identity map); 0 otherwise.</summary>
        public ulong Cr3;

        /// <summary>GDTR; base 0 and limit 0 when the plan has no GDT (real mode).</summary>
        public GuestPhysical GdtBase;
        public ushort GdtLimit;

        public ushort CodeSelector;
        public ushort DataSelector;
    }

    public sealed class LoadPlan
    {
        /// <summary>What was loaded: "bzImage", "Multiboot1 ELF32", "Multiboot2 a.out kludge", "flat binary" ...</summary>
        public string Format;

        /// <summary>Disjoint, each inside one usable range of <see cref="MemoryMap"/>.</summary>
        public LoadSegment[] Segments;

        public StartState Start;

        /// <summary>The memory map the guest was told (e820 / Multiboot types), sorted by address.</summary>
        public GuestMemoryRange[] MemoryMap;

        /// <summary>Things the loader could not honour but that do not stop the guest, e.g. a video mode request.</summary>
        public string[] Warnings;

        public bool TryFindSegment(string name, out LoadSegment segment)
        {
            for (int i = 0; i < Segments.Length; i++)
            {
                if (Segments[i].Name == name)
                {
                    segment = Segments[i];
                    return true;
                }
            }
            segment = default;
            return false;
        }

        /// <summary>One past the highest guest-physical byte any segment writes.</summary>
        public GuestPhysical HighestEnd
        {
            get
            {
                GuestPhysical end = default;
                for (int i = 0; i < Segments.Length; i++)
                {
                    if (Segments[i].End > end)
                        end = Segments[i].End;
                }
                return end;
            }
        }
    }
}
