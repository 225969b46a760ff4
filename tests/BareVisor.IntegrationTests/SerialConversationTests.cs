// Host side. A conversation follows the kernel's serial output through the harness's serial line
// in both emulators (Bochs's socket-client COM1, QEMU's -serial tcp:), and a step whose line
// never comes stops the run at once with the reason. BareVisor alone takes no input, so typing
// is tested with the Linux guest (tests/BareVisor.LinuxGuestTests).
using System;
using System.Linq;
using System.Threading.Tasks;
using BareVisor.Emulators;
using BareVisor.IntegrationTests.Infrastructure;
using Xunit;

namespace BareVisor.IntegrationTests;

public abstract class SerialConversationTests(EmulatorKind emulator)
{
    private static readonly ConversationStep[] BootReport =
    [
        new(@"^BareVisor \d+\.\d+\.\d+ on x86-64$"),
        new(@"^boot: multiboot2 from "),
        new(@"^boot: report complete after \d+ TSC ticks"),
    ];

    protected async Task<EmulatorResult> Run(params ConversationStep[] conversation)
    {
        var repository = Repository.Locate();
        return await EmulatorSession.RunAsync(new EmulatorRun
        {
            Emulator = emulator,
            Boot = BootSource.Iso(repository.Iso),
            MemoryMiB = 128,
            Timeout = TimeSpan.FromSeconds(90),
            Conversation = conversation,
            RunsDirectory = repository.TestRuns,
        });
    }

    [Fact]
    public async Task TheStepsHearTheBootReportInOrder()
    {
        EmulatorResult result = await Run(BootReport);
        Assert.True(result.Conversation.Completed, result.Report());
        Assert.Equal(BootReport.Length, result.Conversation.Heard.Count);
        for (int step = 0; step < BootReport.Length; step++)
            Assert.Matches(BootReport[step].Expect, result.Conversation.Heard[step][^1]);
        Assert.True(result.Conversation.MatchedAt.SequenceEqual(result.Conversation.MatchedAt.Order()), result.Report());
        Assert.Equal("BareVisor: power off", result.Conversation.Pending[^1]);
        Assert.True(PowerOffCheck.Problems(result, ExpectedEnd.PowerOff).Count == 0, result.Report());
        result.DeleteRunDirectory();
    }
}

[Collection(EmulatorCollections.Bochs)]
public sealed class BochsSerialConversationTests() : SerialConversationTests(EmulatorKind.Bochs)
{
    // Bochs takes about a second to reach the kernel, so the run is stopped long before it would
    // end by itself (QEMU may power off before the session's first look at the serial line).
    [Fact]
    public async Task AStepWhoseLineNeverComesStopsTheRun()
    {
        EmulatorResult result = await Run(new ConversationStep("^no such line$") { Within = TimeSpan.FromMilliseconds(1) });
        Assert.True(result.End == RunEnd.ConversationFailed, result.Report());
        Assert.StartsWith("step 1 of 1, /^no such line$/: no line matched within 0 s", result.Conversation.Failure);
        Assert.Contains("conversation: step 1 of 1", result.Report());
        Assert.False(result.EndedWithPowerOff, result.Report());
        result.DeleteRunDirectory();
    }
}

[Collection(EmulatorCollections.Qemu)]
public sealed class QemuSerialConversationTests() : SerialConversationTests(EmulatorKind.Qemu);
