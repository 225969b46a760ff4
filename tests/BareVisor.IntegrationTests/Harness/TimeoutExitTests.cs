// Host side. timeout's own ending of an emulator is told from the emulator's exit by its status
// and by the limit having passed; the statuses BareVisor's power-off produces never count.
using System;
using BareVisor.Emulators;
using Xunit;

namespace BareVisor.IntegrationTests.Harness;

public sealed class TimeoutExitTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(124)]
    [InlineData(137)]
    public void TimeoutsStatusesAfterTheLimitAreTimeouts(int status)
    {
        Assert.True(TimeoutExit.Caused(status, Limit, Limit));
        Assert.True(TimeoutExit.Caused(status, Limit + TimeSpan.FromSeconds(5), Limit));
    }

    [Theory]
    [InlineData(124)]
    [InlineData(137)]
    public void TheSameStatusesBeforeTheLimitAreTheEmulatorsOwn(int status) =>
        Assert.False(TimeoutExit.Caused(status, Limit - TimeSpan.FromMilliseconds(1), Limit));

    [Theory]
    [InlineData(1)]    // isa-debug-exit with 0, and every Bochs exit
    [InlineData(3)]    // isa-debug-exit with 1 (a panic)
    [InlineData(0)]
    public void OtherStatusesAreNeverTimeouts(int status) =>
        Assert.False(TimeoutExit.Caused(status, Limit + TimeSpan.FromMinutes(1), Limit));

    [Fact]
    public void WithoutALimitNothingIsATimeout() =>
        Assert.False(TimeoutExit.Caused(124, TimeSpan.FromHours(1), TimeSpan.Zero));
}
