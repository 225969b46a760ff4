// What a PC's bus answers where neither RAM nor a device is: reads float to all ones, writes go
// nowhere. As a bus of its own, claimed over the whole guest-physical space, it lets the MMIO
// emulator carry out such an access like any other (EptExit). Immutable once built, so one
// instance serves every VM and CPU. Runs in VMX root; never allocates after construction.
using BareVisor.Core.Memory;

namespace BareVisor.Core.Devices
{
    public sealed class OpenBus : MmioDevice
    {
        // Guest-physical addresses EPT can map: 52 bits (SDM Vol. 3C, 29.3.2).
        private const ulong AddressSpace = 1UL << 52;

        public static readonly MmioBus Bus = Build();

        public override string Name => "nothing";

        public override ulong Read(ulong offset, int size) => MmioBus.AllOnes(size);

        public override void Write(ulong offset, int size, ulong value)
        {
        }

        private static MmioBus Build()
        {
            MmioBus bus = new MmioBus();
            bus.TryClaim(new GuestPhysical(0), AddressSpace, new OpenBus());
            return bus;
        }
    }
}
