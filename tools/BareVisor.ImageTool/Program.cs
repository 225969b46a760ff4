// Host side. Entry point of barevisor-image; everything else lives in ImageCommand so tests can run
// the tool in-process.
namespace BareVisor.ImageTool;

public static class Program
{
    public static int Main(string[] args) => ImageCommand.Run(args, System.Console.Out, System.Console.Error);
}
