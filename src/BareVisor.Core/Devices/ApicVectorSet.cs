// One of the local APIC's 256-bit vector registers (IRR, ISR, TMR): a bit per interrupt vector,
// read by the guest as eight 32-bit words, bit 0 of word 0 being vector 0. Pure logic; runs in
// VMX root; never allocates after construction.
namespace BareVisor.Core.Devices
{
    internal sealed class ApicVectorSet
    {
        public const int WordCount = 8;

        private readonly uint[] _words = new uint[WordCount];

        public uint Word(int index) => _words[index];

        public bool Contains(int vector) => (_words[vector >> 5] & (1u << (vector & 31))) != 0;

        public void Add(int vector) => _words[vector >> 5] |= 1u << (vector & 31);

        public void Remove(int vector) => _words[vector >> 5] &= ~(1u << (vector & 31));

        public void Clear()
        {
            for (int i = 0; i < WordCount; i++)
                _words[i] = 0;
        }

        /// <summary>The highest vector in the set, or -1 when it is empty.</summary>
        public int Highest()
        {
            for (int i = WordCount - 1; i >= 0; i--)
            {
                uint word = _words[i];
                if (word == 0)
                    continue;
                int bit = 31;
                while ((word & (1u << bit)) == 0)
                    bit--;
                return (i << 5) | bit;
            }
            return -1;
        }
    }
}
