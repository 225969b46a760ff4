// Pure logic; no hardware. The documented limits of the configuration format (docs/boot-media.md).
namespace BareVisor.Core.Config
{
    public static class GuestConfigLimits
    {
        /// <summary>Larger files are refused whole: a fleet's file is a few KiB.</summary>
        public const int MaxFileBytes = 64 * 1024;

        public const int MaxLineLength = 4096;

        public const int MaxVms = 64;

        public const int MaxVcpus = 64;

        public const int MaxNameLength = 32;

        public const int MaxPathLength = 255;

        /// <summary>Linux's x86 COMMAND_LINE_SIZE is 2048 including the NUL.</summary>
        public const int MaxCommandLineLength = 2047;

        public const ulong MinMemoryBytes = 1UL << 20;

        public const ulong MaxMemoryBytes = 1UL << 40;

        /// <summary>Guest RAM is mapped in 4 KiB pages.</summary>
        public const ulong MemoryGranularity = 4096;
    }
}
