// The resource descriptors (ACPI spec 6.4) a host bridge's _CRS needs, as the bytes of an AML
// ResourceTemplate: a bus number range, a fixed I/O port range, and I/O and memory windows the
// bridge decodes for the devices behind it. Close with EndTag before handing Bytes to
// AmlEncoder.Buffer. Runs at guest set-up; the buffer is allocated once by the constructor.
using System;

namespace BareVisor.Core.Acpi.Guest
{
    public sealed class ResourceTemplate
    {
        // Large resource items: tag byte, then a 16-bit length of what follows it.
        private const byte DWordAddressSpace = 0x87;
        private const byte WordAddressSpace = 0x88;
        private const int WordAddressLength = 13;
        private const int DWordAddressLength = 23;

        // Small resource items: tag byte (type << 3 | length).
        private const byte IoPort = 0x47;        // type 0x08, 7 bytes
        private const byte EndTagItem = 0x79;    // type 0x0F, 1 byte

        // Address space descriptor fields.
        private const byte MemoryRange = 0, IoRange = 1, BusNumberRange = 2;
        private const byte ProducerMinMaxFixed = 0x0C;      // general flags: _MAF, _MIF, positive decode, producer
        private const byte IoEntireRange = 0x03;            // I/O type flags: _RNG = ISA and non-ISA ranges
        private const byte MemoryReadWrite = 0x01;          // memory type flags: _RW
        private const byte MemoryCacheable = 0x02;          // memory type flags: _MEM = cacheable

        private const byte IoDecode16 = 0x01;

        private readonly AcpiBlobWriter _out;

        /// <param name="capacity">The most bytes of descriptors the template can hold.</param>
        public ResourceTemplate(int capacity) => _out = new AcpiBlobWriter(capacity, 0);

        public ReadOnlySpan<byte> Bytes => _out.Written;

        /// <summary>WordBusNumber (ResourceProducer, MinFixed, MaxFixed, PosDecode, 0, first, last, 0, count).</summary>
        public void WordBusNumber(ushort first, ushort last) => WordAddress(BusNumberRange, 0, first, last);

        /// <summary>WordIO (ResourceProducer, MinFixed, MaxFixed, PosDecode, EntireRange, 0, first, last, 0, count).</summary>
        public void WordIo(ushort first, ushort last) => WordAddress(IoRange, IoEntireRange, first, last);

        /// <summary>
        /// DWordMemory (ResourceProducer, PosDecode, MinFixed, MaxFixed, Cacheable or NonCacheable,
        /// ReadWrite, 0, first, last, 0, count).
        /// </summary>
        public void DWordMemory(bool cacheable, uint first, uint last)
        {
            _out.U8(DWordAddressSpace);
            _out.U16(DWordAddressLength);
            _out.U8(MemoryRange);
            _out.U8(ProducerMinMaxFixed);
            _out.U8(MemoryReadWrite | (cacheable ? MemoryCacheable : 0u));
            _out.U32(0);               // granularity
            _out.U32(first);
            _out.U32(last);
            _out.U32(0);               // translation offset
            _out.U32(last - first + 1);
        }

        /// <summary>IO (Decode16, first, first, 1, count): a fixed range of ports the bridge itself uses.</summary>
        public void Io(ushort first, byte count)
        {
            _out.U8(IoPort);
            _out.U8(IoDecode16);
            _out.U16(first);
            _out.U16(first);
            _out.U8(1);                // alignment
            _out.U8(count);
        }

        /// <summary>The end tag, with a zero checksum (which means "not checked").</summary>
        public void EndTag()
        {
            _out.U8(EndTagItem);
            _out.U8(0);
        }

        private void WordAddress(byte type, byte typeFlags, ushort first, ushort last)
        {
            _out.U8(WordAddressSpace);
            _out.U16(WordAddressLength);
            _out.U8(type);
            _out.U8(ProducerMinMaxFixed);
            _out.U8(typeFlags);
            _out.U16(0);               // granularity
            _out.U16(first);
            _out.U16(last);
            _out.U16(0);               // translation offset
            _out.U16((uint)(last - first + 1));
        }
    }
}
