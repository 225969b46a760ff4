// QEMU's firmware configuration device (fw_cfg), traditional I/O interface only: a 16-bit write
// to the selector port 0x510 picks an item and rewinds it; each byte read from the data port
// 0x511 returns the item's next byte, and 0 past its end or for an item this machine does not
// have. Selector bit 15 names the architecture-specific items (none here), bit 14 is the legacy
// write flag and is ignored. Other access sizes (a byte write to the selector, a wider read of the
// data port) are not part of the interface: reads return all ones, writes are dropped, as are
// writes to the data port. Items: signature "QEMU", interface ID (traditional only, no DMA), a
// zero UUID, RAM size (64-bit), CPU count and maximum (16-bit), and an empty file directory (its
// big-endian count 0). Pure state machine; runs in VMX root on port exits; never allocates after
// construction.
namespace BareVisor.Core.Devices
{
    public sealed class FwCfg : PortDevice
    {
        public const ushort SelectorPort = 0x510;
        public const ushort DataPort = 0x511;
        public const ushort PortCount = 2;

        // Item keys.
        public const ushort Signature = 0x0000, Id = 0x0001, Uuid = 0x0002, RamSize = 0x0003, CpuCount = 0x0005,
            MaxCpus = 0x000F, FileDirectory = 0x0019;

        public const ushort WriteFlag = 0x4000;

        /// <summary>Interface ID bit 0: the traditional (selector and data port) interface.</summary>
        public const uint TraditionalInterface = 1;

        private readonly ulong _ramBytes;
        private readonly ushort _cpus;
        private ushort _selector;
        private ulong _offset; // wide enough never to wrap back into an item

        /// <param name="ramBytes">The guest's RAM size, all of it, in bytes.</param>
        /// <param name="cpus">The guest's processor count (also its maximum).</param>
        public FwCfg(ulong ramBytes, ushort cpus)
        {
            _ramBytes = ramBytes;
            _cpus = cpus;
        }

        public override string Name => "fw_cfg";

        public bool ClaimPorts(PortBus bus) => bus.TryClaim(SelectorPort, PortCount, this);

        /// <summary>The selected item's key (without the write flag).</summary>
        public ushort Selector => _selector;

        public override uint Read(ushort offset, int size)
        {
            if (offset != DataPort - SelectorPort || size != 1)
                return PortBus.AllOnes(size);
            return ItemByte(_selector, _offset++);
        }

        public override void Write(ushort offset, int size, uint value)
        {
            if (offset != 0 || size != 2)
                return;
            _selector = (ushort)(value & ~(uint)WriteFlag);
            _offset = 0;
        }

        private byte ItemByte(ushort key, ulong offset)
        {
            switch (key)
            {
                case Signature: return offset < 4 ? (byte)"QEMU"[(int)offset] : (byte)0;
                case Id: return LittleEndian(TraditionalInterface, 4, offset);
                case RamSize: return LittleEndian(_ramBytes, 8, offset);
                case CpuCount:
                case MaxCpus:
                    return LittleEndian(_cpus, 2, offset);
                default: return 0; // Uuid and FileDirectory are all zeros; unknown items have no bytes
            }
        }

        private static byte LittleEndian(ulong value, ulong size, ulong offset) =>
            offset < size ? (byte)(value >> (int)(8 * offset)) : (byte)0;
    }
}
