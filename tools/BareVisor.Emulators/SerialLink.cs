// Host side. The harness's end of the emulated COM1 in headless runs: the emulator connects to a
// TCP port the harness listens on (Bochs's com1 socket-client mode, QEMU's -serial tcp:), so the
// line works both ways. The system picks the port while listening, so parallel runs never race
// for one. Everything received is appended to serial.log in the run directory, byte for byte as
// an emulator in file mode wrote it, so SerialFollower and the reports read it as before; typed
// text goes to the guest one byte at a time. Its waits run on a TimeProvider, so the tests check
// the pace and the give-up on a clock they move themselves.
using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace BareVisor.Emulators;

/// <summary>Whether the emulator connected its COM1, and if not, why the wait ended.</summary>
internal enum SerialConnection
{
    Connected,

    /// <summary>The emulator exited first (it failed at start).</summary>
    EmulatorExited,

    /// <summary>The wait's limit passed.</summary>
    GaveUp,
}

internal sealed class SerialLink : IDisposable
{
    private readonly TcpListener listener;
    private readonly TimeProvider time;
    private FileStream log;
    private NetworkStream stream;
    private Task receiving = Task.CompletedTask;

    private SerialLink(TcpListener listener, TimeProvider time)
    {
        this.listener = listener;
        this.time = time;
    }

    /// <summary>Listens on a free port of 127.0.0.1; waits run on <paramref name="time"/> (the system's clock when null).</summary>
    public static SerialLink Listen(TimeProvider time = null)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start(1);
        return new SerialLink(listener, time ?? TimeProvider.System);
    }

    /// <summary>Where the emulator connects, "127.0.0.1:port" (the syntax of Bochs and QEMU alike).</summary>
    public string Address => $"127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";

    /// <summary>
    /// Waits until the emulator connects, at most <paramref name="within"/>, and gives up early
    /// when <paramref name="exited"/> completes first (an emulator that failed at start). From
    /// then on what it sends is appended to <paramref name="logPath"/>, created empty now.
    /// </summary>
    public async Task<SerialConnection> AcceptAsync(Task exited, TimeSpan within, string logPath)
    {
        log = new FileStream(logPath, FileMode.Create, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        using var giveUp = new CancellationTokenSource(within, time);
        Task<Socket> accept = listener.AcceptSocketAsync(giveUp.Token).AsTask();
        bool exitedFirst = await Task.WhenAny(accept, exited) != accept;
        if (exitedFirst)
            giveUp.Cancel();
        Socket socket;
        try
        {
            socket = await accept;
        }
        catch (OperationCanceledException)
        {
            return exitedFirst ? SerialConnection.EmulatorExited : SerialConnection.GaveUp;
        }
        finally
        {
            listener.Stop();
        }
        // Typed bytes go out one by one, each at once.
        socket.NoDelay = true;
        stream = new NetworkStream(socket, ownsSocket: true);
        receiving = ReceiveAsync(stream);
        return SerialConnection.Connected;
    }

    /// <summary>
    /// Types <paramref name="text"/> (UTF-8) a byte at a time, pausing <paramref name="interval"/>
    /// after each. False when the line is gone (the emulator ended).
    /// </summary>
    public async Task<bool> TypeAsync(string text, TimeSpan interval, CancellationToken cancel)
    {
        if (stream == null)
            return false;
        byte[] one = new byte[1];
        try
        {
            foreach (byte value in Encoding.UTF8.GetBytes(text))
            {
                one[0] = value;
                await stream.WriteAsync(one, cancel);
                await Task.Delay(interval, time, cancel);
            }
            return true;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>
    /// Waits, at most <paramref name="within"/>, for the emulator's last bytes: once it has exited
    /// the connection ends and everything it sent is in the log.
    /// </summary>
    public Task<bool> DrainAsync(TimeSpan within) =>
        receiving.WaitAsync(within, time).ContinueWith(t => t.IsCompletedSuccessfully, TaskScheduler.Default);

    public void Dispose()
    {
        listener.Stop();
        stream?.Dispose();
        log?.Dispose();
    }

    private async Task ReceiveAsync(NetworkStream from)
    {
        byte[] buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer)) > 0)
            {
                await log.WriteAsync(buffer.AsMemory(0, read));
                await log.FlushAsync();
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // A killed emulator resets the connection: what it sent before is in the log.
        }
    }
}
