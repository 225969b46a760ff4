// Host side. The harness's serial line with a stand-in emulator (a TCP client, as Bochs's
// socket-client COM1 and QEMU's -serial tcp: are): what it sends lands in serial.log byte for
// byte, typed text reaches it in order and at the typing pace, and an emulator that never
// connects is noticed.
using System;
using System.Diagnostics;
using System.IO;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using BareVisor.Emulators;
using Xunit;

namespace BareVisor.IntegrationTests.Harness;

public sealed class SerialLinkTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("barevisor-serial-link-");

    private string LogPath => Path.Combine(directory.FullName, "serial.log");

    public void Dispose() => directory.Delete(recursive: true);

    private static async Task<TcpClient> Connect(SerialLink link)
    {
        string[] parts = link.Address.Split(':');
        Assert.Equal("127.0.0.1", parts[0]);
        var client = new TcpClient();
        await client.ConnectAsync(parts[0], int.Parse(parts[1]));
        return client;
    }

    [Fact]
    public async Task WhatTheEmulatorSendsIsLoggedByteForByte()
    {
        using var link = SerialLink.Listen();
        Task<bool> accepted = link.AcceptAsync(Task.Delay(Timeout.Infinite), Limit, LogPath);
        Assert.Equal(0, new FileInfo(LogPath).Length);
        using (TcpClient emulator = await Connect(link))
        {
            Assert.True(await accepted);
            byte[] sent = Encoding.ASCII.GetBytes("\x1b[H\x1b[JBareVisor 0.1\r\nguest# \x1b[6n");
            await emulator.GetStream().WriteAsync(sent);
            await emulator.GetStream().WriteAsync(new byte[] { 0xC3, 0xA9, 0x00, 0xFF });
        }
        Assert.True(await link.DrainAsync(Limit));
        byte[] expected = [.. Encoding.ASCII.GetBytes("\x1b[H\x1b[JBareVisor 0.1\r\nguest# \x1b[6n"), 0xC3, 0xA9, 0x00, 0xFF];
        Assert.Equal(expected, File.ReadAllBytes(LogPath));
    }

    [Fact]
    public async Task TypedTextArrivesInOrderAtTheTypingPace()
    {
        using var link = SerialLink.Listen();
        Task<bool> accepted = link.AcceptAsync(Task.Delay(Timeout.Infinite), Limit, LogPath);
        using TcpClient emulator = await Connect(link);
        Assert.True(await accepted);

        var interval = TimeSpan.FromMilliseconds(20);
        var clock = Stopwatch.StartNew();
        Assert.True(await link.TypeAsync("ls -l\r", interval, CancellationToken.None));
        clock.Stop();
        // Task.Delay never ends early (beyond the clock's millisecond rounding): six bytes, six pauses.
        Assert.True(clock.Elapsed >= 6 * (interval - TimeSpan.FromMilliseconds(1)), $"typed 6 bytes in {clock.Elapsed.TotalMilliseconds:F0} ms");

        byte[] received = new byte[6];
        await emulator.GetStream().ReadExactlyAsync(received);
        Assert.Equal("ls -l\r", Encoding.ASCII.GetString(received));
    }

    [Fact]
    public async Task TypingIntoAClosedLineReportsIt()
    {
        using var link = SerialLink.Listen();
        Task<bool> accepted = link.AcceptAsync(Task.Delay(Timeout.Infinite), Limit, LogPath);
        (await Connect(link)).Dispose();
        Assert.True(await accepted);
        Assert.True(await link.DrainAsync(Limit));
        // The first bytes may still be taken by the socket's buffer; a longer text hits the reset.
        bool typed = true;
        for (int i = 0; i < 20 && typed; i++)
            typed = await link.TypeAsync(new string('x', 64), TimeSpan.Zero, CancellationToken.None);
        Assert.False(typed);
    }

    [Fact]
    public async Task AnEmulatorThatExitsBeforeConnectingIsNotWaitedFor()
    {
        using var link = SerialLink.Listen();
        var clock = Stopwatch.StartNew();
        Assert.False(await link.AcceptAsync(Task.CompletedTask, TimeSpan.FromMinutes(5), LogPath));
        Assert.True(clock.Elapsed < Limit);
    }

    [Fact]
    public async Task AnEmulatorThatNeverConnectsIsGivenUpOn()
    {
        using var link = SerialLink.Listen();
        Assert.False(await link.AcceptAsync(Task.Delay(Timeout.Infinite), TimeSpan.FromMilliseconds(200), LogPath));
        Assert.False(await link.TypeAsync("x", TimeSpan.Zero, CancellationToken.None));
    }
}
