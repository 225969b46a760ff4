// Host side. Entry point of barevisor-linux-guest; the work is in GuestCommand and DefaultGuest so
// that tests run it in-process.
namespace BareVisor.LinuxGuest;

public static class Program
{
    public static int Main(string[] args) => GuestCommand.Run(args, System.Console.Out, System.Console.Error);
}
