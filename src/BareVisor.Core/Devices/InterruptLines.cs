// Small IInterruptLine implementations used when wiring a platform: a wire to nowhere, and a wire
// that drives two receivers (an ISA IRQ goes to both the 8259 and the I/O APIC on a PC). Pure
// logic; runs in VMX root on port exits; never allocates after construction.
namespace BareVisor.Core.Devices
{
    public static class InterruptLines
    {
        /// <summary>A wire connected to nothing, for devices whose interrupt is not wired.</summary>
        public static readonly IInterruptLine None = new UnconnectedLine();

        /// <summary>The line, or None when it is null.</summary>
        public static IInterruptLine OrNone(IInterruptLine line) => line ?? None;

        private sealed class UnconnectedLine : IInterruptLine
        {
            public void Set(bool level) { }
        }
    }

    /// <summary>One device output driving two controller inputs with the same level.</summary>
    public sealed class SplitInterruptLine : IInterruptLine
    {
        private readonly IInterruptLine _first;
        private readonly IInterruptLine _second;

        public SplitInterruptLine(IInterruptLine first, IInterruptLine second)
        {
            _first = InterruptLines.OrNone(first);
            _second = InterruptLines.OrNone(second);
        }

        public void Set(bool level)
        {
            _first.Set(level);
            _second.Set(level);
        }
    }
}
