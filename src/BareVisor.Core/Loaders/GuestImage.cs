// Pure logic; no hardware. Tells which loader an image is for, by the headers it carries.
using System;

namespace BareVisor.Core.Loaders
{
    public enum GuestImageFormat
    {
        /// <summary>No header we know: only usable as a flat binary, with an address and mode given.</summary>
        Unknown,
        LinuxBzImage,
        Multiboot2,
        Multiboot1,
    }

    public static class GuestImage
    {
        /// <summary>A bzImage's boot sector and "HdrS" first, then a Multiboot2 header, then Multiboot 1.</summary>
        public static GuestImageFormat Detect(ReadOnlySpan<byte> image)
        {
            if (LinuxSetupHeader.IsPresent(image))
                return GuestImageFormat.LinuxBzImage;
            if (Multiboot2Header.IsPresent(image))
                return GuestImageFormat.Multiboot2;
            if (Multiboot1Header.IsPresent(image))
                return GuestImageFormat.Multiboot1;
            return GuestImageFormat.Unknown;
        }
    }
}
