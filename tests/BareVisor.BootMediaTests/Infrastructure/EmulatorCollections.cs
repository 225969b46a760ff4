// Host side. The build machines have two cores: QEMU runs go one after another in one collection,
// Bochs runs in another, and xunit.runner.json lets the two run side by side.
using Xunit;

namespace BareVisor.BootMediaTests.Infrastructure;

public static class EmulatorCollections
{
    public const string Qemu = "QEMU media runs";
    public const string Bochs = "Bochs media runs";
}

[CollectionDefinition(EmulatorCollections.Qemu)]
public sealed class QemuCollection;

[CollectionDefinition(EmulatorCollections.Bochs)]
public sealed class BochsCollection;
