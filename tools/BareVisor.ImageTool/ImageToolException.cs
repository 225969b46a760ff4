// Host side. The one way the image tool fails: a message for the user and the exit status.
using System;

namespace BareVisor.ImageTool;

public sealed class ImageToolException : Exception
{
    public ImageToolException(string message, int exitCode = ExitCodes.BadInput)
        : base(message) => ExitCode = exitCode;

    public int ExitCode { get; }
}

public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>An input is missing or wrong: the config, a file it names, the kernel.</summary>
    public const int BadInput = 1;

    /// <summary>The command line itself is wrong.</summary>
    public const int Usage = 2;

    /// <summary>A host program (grub-mkimage, mformat ...) is missing or failed.</summary>
    public const int HostTool = 3;
}
