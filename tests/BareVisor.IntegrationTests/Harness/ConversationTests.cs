// Host side. A conversation follows the serial text as an emulator writes it: prompts that wait
// without a newline, commands echoed back by the shell, lines split across polls, log prefixes,
// and steps whose line is late or never comes. No emulator: the text is fed in by hand.
using System;
using BareVisor.Emulators;
using Xunit;

namespace BareVisor.IntegrationTests.Harness;

public sealed class ConversationTests
{
    private static TimeSpan At(double seconds) => TimeSpan.FromSeconds(seconds);

    [Fact]
    public void APromptWithoutNewlineMatchesOnceItStopsGrowing()
    {
        var progress = new ConversationProgress([new ConversationStep("^guest#$", "uname\r")]);
        string raw = "booting\r\nguest# ";
        Assert.Equal("", progress.Advance(raw, At(1)));
        Assert.Equal("uname\r", progress.Advance(raw, At(1.1)));
        Assert.True(progress.Done);
    }

    [Fact]
    public void ALineStillArrivingIsNotMatched()
    {
        // "1" is the start of "12": a partial line that grew since the last look does not count.
        var progress = new ConversationProgress([new ConversationStep("^1$", "x")]);
        Assert.Equal("", progress.Advance("1", At(1)));
        Assert.Equal("", progress.Advance("12", At(1.1)));
        Assert.Equal("", progress.Advance("12\r\n", At(1.2)));
        Assert.False(progress.Done);
    }

    [Fact]
    public void TheEchoOfACommandDoesNotSatisfyItsAnswer()
    {
        var progress = new ConversationProgress(
        [
            new ConversationStep("^guest#$", "echo $((6*7))-ok\r"),
            new ConversationStep("^42-ok$"),
        ]);
        string raw = "guest# \x1b[6n";
        progress.Advance(raw, At(1));
        Assert.Equal("echo $((6*7))-ok\r", progress.Advance(raw, At(1.1)));
        raw += "echo $((6*7))-ok\r\n";
        Assert.Equal("", progress.Advance(raw, At(1.2)));
        Assert.False(progress.Done);
        raw += "42-ok\r\nguest# \x1b[6n";
        progress.Advance(raw, At(1.3));
        Assert.True(progress.Done);

        ConversationLog log = progress.Finish(raw, "Exited", At(20));
        Assert.True(log.Completed);
        Assert.Equal(["echo $((6*7))-ok", "42-ok"], log.ReplyTo(0));
        Assert.Equal(["guest#"], log.ReplyTo(1));
        Assert.Equal(new[] { At(1.1), At(1.3) }, log.MatchedAt);
    }

    [Fact]
    public void EachStepHearsOnlyWhatCameAfterThePreviousStepsLine()
    {
        // The prompt the first step answered must not answer the second step too.
        var progress = new ConversationProgress(
        [
            new ConversationStep("^guest#$", "true\r"),
            new ConversationStep("^guest#$", "poweroff\r"),
        ]);
        string raw = "guest# ";
        progress.Advance(raw, At(1));
        Assert.Equal("true\r", progress.Advance(raw, At(2)));
        Assert.Equal("", progress.Advance(raw, At(3)));
        Assert.Equal("", progress.Advance(raw, At(4)));
        raw += "true\r\nguest# ";
        progress.Advance(raw, At(5));
        Assert.Equal("poweroff\r", progress.Advance(raw, At(6)));
        Assert.Equal(["true", "guest#"], progress.Finish(raw, "Exited", At(20)).ReplyTo(0));
    }

    [Fact]
    public void StepsWhoseLinesAlreadyCameMatchTogetherInOrder()
    {
        var progress = new ConversationProgress(
        [
            new ConversationStep("^a$", "1"),
            new ConversationStep("^b$"),
            new ConversationStep("^c$", "3"),
        ]);
        Assert.Equal("13", progress.Advance("a\nb\nc\nd\n", At(1)));
        ConversationLog log = progress.Finish("a\nb\nc\nd\n", "Exited", At(20));
        Assert.Equal(3, log.Heard.Count);
        Assert.Equal(["a"], log.Heard[0]);
        Assert.Equal(["b"], log.Heard[1]);
        Assert.Equal(["c"], log.Heard[2]);
        Assert.Equal(["d"], log.Pending);
        Assert.Equal(["d"], log.ReplyTo(2));
    }

    [Fact]
    public void LinesAreMatchedWithoutTimestampsLevelsOrEscapes()
    {
        var progress = new ConversationProgress([new ConversationStep("^vm linux: exits: ")]);
        string raw = "[   19.019291] reboot: System halted\r\n[  626.475564] info  vm linux: exits: Hlt 3\r\n";
        progress.Advance(raw, At(1));
        Assert.True(progress.Done);
        Assert.Equal(["reboot: System halted", "vm linux: exits: Hlt 3"], progress.Finish(raw, "Exited", At(20)).Heard[0]);
    }

    [Fact]
    public void ALateLineFailsTheStepAndNamesWhatCameInstead()
    {
        var progress = new ConversationProgress(
        [
            new ConversationStep("^guest#$", "grep -c -w hypervisor /proc/cpuinfo\r"),
            new ConversationStep("^1$") { Within = At(10) },
        ]);
        string raw = "guest# ";
        progress.Advance(raw, At(1));
        progress.Advance(raw, At(2));
        raw += "grep -c -w hypervisor /proc/cpuinfo\r\n0\r\nguest# ";
        progress.Advance(raw, At(11.5));
        Assert.Null(progress.Failure);
        progress.Advance(raw, At(12.5));
        Assert.Equal("step 2 of 2, /^1$/: no line matched within 10 s; the last lines heard: grep -c -w hypervisor /proc/cpuinfo | 0 | guest#",
                     progress.Failure);
        Assert.Equal("", progress.Advance(raw + "1\r\n", At(13)));
        ConversationLog log = progress.Finish(raw, "ConversationFailed", At(20));
        Assert.False(log.Completed);
        Assert.Same(progress.Failure, log.Failure);
        Assert.Equal(["grep -c -w hypervisor /proc/cpuinfo", "0", "guest#"], log.ReplyTo(0));
        Assert.Empty(log.ReplyTo(1));
    }

    [Fact]
    public void TheFinalTextIsLookedAtOnceMore()
    {
        // The emulator powered off between two looks: the last step's line is only in the final text.
        var progress = new ConversationProgress([new ConversationStep("^guest#$", "poweroff\r"), new ConversationStep("^vm linux: stopped: ")]);
        progress.Advance("guest# ", At(1));
        progress.Advance("guest# ", At(2));
        ConversationLog log = progress.Finish("guest# poweroff\r\nvm linux: stopped: halted\r\nBareVisor: power off\r\n", "Exited", At(2.5));
        Assert.True(log.Completed);
        Assert.Equal(new[] { At(2), At(2.5) }, log.MatchedAt);
        Assert.Equal(["BareVisor: power off"], log.Pending);
    }

    [Fact]
    public void ARunThatEndsEarlyFailsTheWaitingStep()
    {
        var progress = new ConversationProgress([new ConversationStep("^guest#$", "true\r")]);
        progress.Advance("Kernel panic - not syncing\r\n", At(1));
        ConversationLog log = progress.Finish("Kernel panic - not syncing\r\n", "StoppedAfterLine", At(20));
        Assert.Equal("step 1 of 1, /^guest#$/ then \"true\\r\": the run ended (StoppedAfterLine) before the line came; the last lines heard: Kernel panic - not syncing",
                     log.Failure);
        Assert.Empty(log.Heard);
        Assert.Empty(log.ReplyTo(0));
    }

    [Fact]
    public void NoConversationIsComplete()
    {
        ConversationLog log = new ConversationProgress([]).Finish("anything\n", "Exited", At(20));
        Assert.True(log.Completed);
        Assert.Equal(["anything"], log.Pending);
        Assert.True(ConversationLog.None.Completed);
    }
}
