// Host side. The build machines have two cores: tests in one collection run one after another,
// and the two collections run side by side (xunit.runner.json caps threads at 2), so at most one
// QEMU and one Bochs run at a time.
using Xunit;

namespace BareVisor.IntegrationTests.Infrastructure;

public static class EmulatorCollections
{
    public const string Qemu = "QEMU runs";
    public const string Bochs = "Bochs runs";
}

[CollectionDefinition(EmulatorCollections.Qemu)]
public sealed class QemuCollection;

[CollectionDefinition(EmulatorCollections.Bochs)]
public sealed class BochsCollection;
