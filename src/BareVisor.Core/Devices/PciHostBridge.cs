// PCI configuration mechanism #1 (PCI Local Bus spec 3.2.2.3.2) at ports 0xCF8-0xCFF, with one
// device on the bus: an i440FX host bridge at bus 0, device 0, function 0.
// - CONFIG_ADDRESS is only a dword access at 0xCF8: enable (bit 31), bus (23:16), device (15:11),
//   function (10:8), register (7:2). Its reserved bits 30:24 and 1:0 read 0. Byte and word
//   accesses to 0xCF8-0xCFB are not CONFIG_ADDRESS: they read all ones and writes are dropped.
//   (Real chipsets put the reset control register at byte 0xCF9; this machine resets through the
//   8042, as its FADT says, and has nothing there.)
// - CONFIG_DATA at 0xCFC-0xCFF reaches the addressed register's dword; an access at 0xCFC + n
//   reaches its bytes from n on, and bytes past 0xCFF read all ones. With CONFIG_ADDRESS disabled,
//   or for any other bus, device or function, reads are all ones (no device) and writes dropped.
// - The host bridge: vendor 0x8086, device 0x1237, revision 0x02, class 0x060000, header type 0,
//   single function. Its command register keeps only the parity (bit 6) and SERR# (bit 8) enables
//   a guest may set; memory and bus master (bits 1 and 2) are hard-wired on, as on the 82441FX.
//   Its status reads medium DEVSEL timing and fast back-to-back capable; no error bit is ever set,
//   so writing 1s to clear them does nothing. Every other register (the 440FX's PAM, SMRAM and
//   DRAM registers included) reads 0 and ignores writes: no firmware shadowing happens here.
// Pure state machine; runs in VMX root on port exits; never allocates after construction.
namespace BareVisor.Core.Devices
{
    public sealed class PciHostBridge : PortDevice
    {
        public const ushort Port = 0xCF8;
        public const ushort PortCount = 8;
        public const ushort ConfigAddressOffset = 0;
        public const ushort ConfigDataOffset = 4;

        public const uint ConfigEnable = 0x80000000;
        public const uint ConfigAddressBits = 0x80FFFFFC;

        public const ushort VendorId = 0x8086;
        public const ushort DeviceId = 0x1237;
        public const byte RevisionId = 0x02;
        public const uint ClassCode = 0x060000; // bridge, host bridge, no programming interface

        public const ushort CommandReset = 0x0006;     // memory access and bus master, hard-wired
        public const ushort CommandWritable = 0x0140;  // parity error response, SERR# enable
        public const ushort StatusValue = 0x0280;      // DEVSEL medium, fast back-to-back capable

        private const int CommandRegister = 0x04;

        private uint _address;
        private ushort _command = CommandReset;

        public override string Name => "PCI host bridge";

        public bool ClaimPorts(PortBus bus) => bus.TryClaim(Port, PortCount, this);

        /// <summary>CONFIG_ADDRESS as the guest reads it.</summary>
        public uint ConfigAddress => _address;

        /// <summary>The host bridge's command register.</summary>
        public ushort Command => _command;

        public override uint Read(ushort offset, int size)
        {
            if (offset < ConfigDataOffset)
                return offset == ConfigAddressOffset && size == 4 ? _address : PortBus.AllOnes(size);
            bool present = AddressesHostBridge();
            int register = (int)(_address & 0xFC) + offset - ConfigDataOffset;
            uint value = 0;
            for (int i = 0; i < size; i++)
            {
                bool inData = offset + i < PortCount;
                uint b = present && inData ? ReadByte(register + i) : 0xFFu;
                value |= b << (8 * i);
            }
            return value;
        }

        public override void Write(ushort offset, int size, uint value)
        {
            if (offset < ConfigDataOffset)
            {
                if (offset == ConfigAddressOffset && size == 4)
                    _address = value & ConfigAddressBits;
                return;
            }
            if (!AddressesHostBridge())
                return;
            int register = (int)(_address & 0xFC) + offset - ConfigDataOffset;
            for (int i = 0; i < size && offset + i < PortCount; i++)
                WriteByte(register + i, (byte)(value >> (8 * i)));
        }

        // Bus 0, device 0, function 0, with the enable bit set.
        private bool AddressesHostBridge() => (_address & ConfigEnable) != 0 && (_address & 0x00FFFF00) == 0;

        private byte ReadByte(int register) => (byte)(ReadDword(register >> 2) >> (8 * (register & 3)));

        // Dword n of the host bridge's configuration space; header type (dword 3) is 0, one function.
        private uint ReadDword(int index)
        {
            switch (index)
            {
                case 0: return ((uint)DeviceId << 16) | VendorId;
                case 1: return ((uint)StatusValue << 16) | _command;
                case 2: return (ClassCode << 8) | RevisionId;
                default: return 0;
            }
        }

        private void WriteByte(int register, byte value)
        {
            int shift;
            if (register == CommandRegister)
                shift = 0;
            else if (register == CommandRegister + 1)
                shift = 8;
            else
                return;
            ushort mask = (ushort)(CommandWritable & (0xFF << shift));
            _command = (ushort)((_command & ~mask) | ((value << shift) & mask));
        }
    }
}
