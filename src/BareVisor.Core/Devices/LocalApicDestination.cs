// Which interrupt messages are for this CPU (Intel SDM vol. 3, "Message Destination Address" and
// "Logical x2APIC ID"): the APIC ID, the xAPIC logical destination (LDR) and destination format
// (DFR), and the x2APIC logical ID derived from the APIC ID. Used for the I/O APIC's redirection
// entries and the ICR. Pure logic; runs in VMX root; never allocates.
namespace BareVisor.Core.Devices
{
    internal sealed class LocalApicDestination
    {
        private const uint FlatModel = 0xF, ClusterModel = 0x0;

        private readonly byte _id;
        private uint _ldr;
        private uint _dfr;

        public LocalApicDestination(byte id)
        {
            _id = id;
            Reset();
        }

        public byte Id => _id;

        /// <summary>xAPIC LDR: the logical APIC ID in bits 31:24.</summary>
        public uint LogicalDestination
        {
            get => _ldr;
            set => _ldr = value & 0xFF00_0000;
        }

        /// <summary>xAPIC DFR: the model in bits 31:28; bits 27:0 read as ones.</summary>
        public uint DestinationFormat
        {
            get => _dfr;
            set => _dfr = value | 0x0FFF_FFFF;
        }

        /// <summary>x2APIC LDR (read-only): the cluster (ID bits 31:4) in bits 31:16, a bit for ID bits 3:0 in bits 15:0.</summary>
        public uint X2ApicLogicalId => ((uint)(_id >> 4) << 16) | (1u << (_id & 0xF));

        /// <summary>
        /// xAPIC: 8-bit destinations, 0xFF is a broadcast, logical ones in the flat or cluster model
        /// as the DFR says. x2APIC: 32-bit destinations, 0xFFFFFFFF is a broadcast, logical ones in
        /// the cluster model of X2ApicLogicalId.
        /// </summary>
        public bool Matches(uint destination, bool logical, bool x2Apic)
        {
            if (x2Apic)
            {
                if (destination == 0xFFFF_FFFF)
                    return true;
                if (!logical)
                    return destination == _id;
                uint x2Ldr = X2ApicLogicalId;
                return (destination >> 16) == (x2Ldr >> 16) && (destination & x2Ldr & 0xFFFF) != 0;
            }
            destination &= 0xFF;
            if (destination == 0xFF)
                return true;
            if (!logical)
                return destination == _id;
            uint ldr = _ldr >> 24;
            uint model = _dfr >> 28;
            if (model == FlatModel)
                return (destination & ldr) != 0;
            return model == ClusterModel && (destination >> 4) == (ldr >> 4) && (destination & ldr & 0xF) != 0;
        }

        public void Reset()
        {
            _ldr = 0;
            _dfr = 0xFFFF_FFFF;
        }
    }
}
