// Host side. The harness's serial line with a stand-in emulator (a TCP client, as Bochs's
// socket-client COM1 and QEMU's -serial tcp: are): what it sends lands in serial.log byte for
// byte, typed text reaches it in order with a pause after each byte, and an emulator that never
// connects, or exits first, is noticed. The line's waits run on a ManualClock, so the pace and the
// give-up are checked as the schedule the line asks for, never against the wall clock.
using System;
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
    private readonly ManualClock clock = new();

    private string LogPath => Path.Combine(directory.FullName, "serial.log");

    // The emulator neither connects nor exits unless a test says so.
    private static Task NeverExits => new TaskCompletionSource().Task;

    public void Dispose() => directory.Delete(recursive: true);

    private static async Task<TcpClient> Connect(SerialLink link)
    {
        string[] parts = link.Address.Split(':');
        Assert.Equal("127.0.0.1", parts[0]);
        var client = new TcpClient();
        await client.ConnectAsync(parts[0], int.Parse(parts[1]));
        return client;
    }

    private async Task<(SerialLink Link, TcpClient Emulator)> Connected()
    {
        var link = SerialLink.Listen(clock);
        Task<SerialConnection> accepted = link.AcceptAsync(NeverExits, Limit, LogPath);
        TcpClient emulator = await Connect(link);
        Assert.Equal(SerialConnection.Connected, await accepted);
        return (link, emulator);
    }

    [Fact]
    public async Task WhatTheEmulatorSendsIsLoggedByteForByte()
    {
        var link = SerialLink.Listen(clock);
        using (link)
        {
            Task<SerialConnection> accepted = link.AcceptAsync(NeverExits, Limit, LogPath);
            Assert.Equal(0, new FileInfo(LogPath).Length);
            using (TcpClient emulator = await Connect(link))
            {
                Assert.Equal(SerialConnection.Connected, await accepted);
                byte[] sent = Encoding.ASCII.GetBytes("\x1b[H\x1b[JBareVisor 0.1\r\nguest# \x1b[6n");
                await emulator.GetStream().WriteAsync(sent);
                await emulator.GetStream().WriteAsync(new byte[] { 0xC3, 0xA9, 0x00, 0xFF });
            }
            Assert.True(await link.DrainAsync(Limit));
        }
        byte[] expected = [.. Encoding.ASCII.GetBytes("\x1b[H\x1b[JBareVisor 0.1\r\nguest# \x1b[6n"), 0xC3, 0xA9, 0x00, 0xFF];
        Assert.Equal(expected, File.ReadAllBytes(LogPath));
    }

    [Fact]
    public async Task EachTypedByteIsFollowedByAPauseOfTheTypingInterval()
    {
        (SerialLink link, TcpClient emulator) = await Connected();
        using (link)
        using (emulator)
        {
            var interval = TimeSpan.FromMilliseconds(20);
            const string Text = "ls -l\r";
            int pauses = clock.TimersCreated;
            Task<bool> typing = link.TypeAsync(Text, interval, CancellationToken.None);
            NetworkStream wire = emulator.GetStream();
            byte[] one = new byte[1];
            for (int i = 0; i < Text.Length; i++)
            {
                await wire.ReadExactlyAsync(one);
                Assert.Equal(Text[i], (char)one[0]);
                // The typist now waits for the clock (rather than going on to the end): the pause
                // it asked for is the interval, and nothing more is sent until the clock has moved on by it.
                Task<TimeSpan> pause = clock.TimerCreated(pauses + i);
                Assert.Same(pause, await Task.WhenAny(pause, typing));
                Assert.Equal(interval, await pause);
                Assert.Equal(0, emulator.Available);
                Assert.False(typing.IsCompleted);
                clock.Advance(interval);
            }
            Assert.True(await typing);
        }
    }

    [Fact]
    public async Task TypingIntoAClosedLineReportsIt()
    {
        using var link = SerialLink.Listen(clock);
        Task<SerialConnection> accepted = link.AcceptAsync(NeverExits, Limit, LogPath);
        (await Connect(link)).Dispose();
        Assert.Equal(SerialConnection.Connected, await accepted);
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
        using var link = SerialLink.Listen(clock);
        Task<SerialConnection> accepting = link.AcceptAsync(Task.CompletedTask, TimeSpan.FromMinutes(5), LogPath);
        // Even once the limit has passed, the wait ended because the emulator had exited.
        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(SerialConnection.EmulatorExited, await accepting);
    }

    [Fact]
    public async Task AnEmulatorThatNeverConnectsIsGivenUpOnAtTheLimit()
    {
        using var link = SerialLink.Listen(clock);
        var within = TimeSpan.FromSeconds(30);
        Task<SerialConnection> accepting = link.AcceptAsync(NeverExits, within, LogPath);
        // The limit is a timer on the line's clock (one on the wall clock would end the wait instead).
        Task<TimeSpan> limit = clock.TimerCreated(0);
        Assert.Same(limit, await Task.WhenAny(limit, accepting));
        Assert.Equal(within, await limit);
        clock.Advance(within - TimeSpan.FromTicks(1));
        Assert.False(accepting.IsCompleted);
        clock.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(SerialConnection.GaveUp, await accepting);
        Assert.False(await link.TypeAsync("x", TimeSpan.Zero, CancellationToken.None));
    }
}
