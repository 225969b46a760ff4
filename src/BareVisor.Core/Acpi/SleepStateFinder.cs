// Pure logic; no hardware. Finds the \_S5_ (soft-off) package in DSDT AML without an AML interpreter.
using System;

namespace BareVisor.Core.Acpi
{
    /// <summary>
    /// Firmware writes Name(_S5_, Package() { SLP_TYPa, SLP_TYPb, ... }) as the bytes
    /// "_S5_" PackageOp PkgLength NumElements followed by integer constants. Matching that pattern
    /// covers real firmware; a _S5_ computed by a method is not supported (HasS5 stays false).
    /// </summary>
    public static class SleepStateFinder
    {
        private const byte PackageOp = 0x12;
        private const byte ZeroOp = 0x00;
        private const byte OneOp = 0x01;
        private const byte BytePrefix = 0x0A;
        private const byte WordPrefix = 0x0B;
        private const byte DWordPrefix = 0x0C;
        private const byte QWordPrefix = 0x0E;
        private const byte OnesOp = 0xFF;

        public static bool TryFindS5(ReadOnlySpan<byte> aml, out ushort sleepTypeA, out ushort sleepTypeB)
        {
            for (int i = 0; i + 5 <= aml.Length; i++)
            {
                if (aml[i] == (byte)'_' && aml[i + 1] == (byte)'S' && aml[i + 2] == (byte)'5' && aml[i + 3] == (byte)'_'
                    && aml[i + 4] == PackageOp && TryParsePackage(aml.Slice(i + 5), out sleepTypeA, out sleepTypeB))
                    return true;
            }
            sleepTypeA = 0;
            sleepTypeB = 0;
            return false;
        }

        private static bool TryParsePackage(ReadOnlySpan<byte> aml, out ushort sleepTypeA, out ushort sleepTypeB)
        {
            sleepTypeA = 0;
            sleepTypeB = 0;
            if (aml.IsEmpty)
                return false;
            // PkgLength: bits 7:6 of the lead byte count the bytes that follow it.
            int position = 1 + (aml[0] >> 6);
            if (position >= aml.Length)
                return false;
            int elements = aml[position++];
            if (elements == 0 || !TryReadInteger(aml, ref position, out ulong first))
                return false;
            if (elements == 1)
            {
                // ACPI 1.0-style packed form, as ACPICA reads it: SLP_TYPa in the low byte, SLP_TYPb in the next.
                sleepTypeA = (ushort)(first & 0xFF);
                sleepTypeB = (ushort)((first >> 8) & 0xFF);
                return true;
            }
            if (!TryReadInteger(aml, ref position, out ulong second))
                return false;
            sleepTypeA = (ushort)first;
            sleepTypeB = (ushort)second;
            return true;
        }

        private static bool TryReadInteger(ReadOnlySpan<byte> aml, ref int position, out ulong value)
        {
            value = 0;
            if (position >= aml.Length)
                return false;
            byte op = aml[position++];
            switch (op)
            {
                case ZeroOp: return true;
                case OneOp: value = 1; return true;
                case OnesOp: value = 0xFF; return true;
                case BytePrefix: return TryReadConstant(aml, ref position, 1, out value);
                case WordPrefix: return TryReadConstant(aml, ref position, 2, out value);
                case DWordPrefix: return TryReadConstant(aml, ref position, 4, out value);
                case QWordPrefix: return TryReadConstant(aml, ref position, 8, out value);
                default: return false;
            }
        }

        private static bool TryReadConstant(ReadOnlySpan<byte> aml, ref int position, int size, out ulong value)
        {
            value = 0;
            if (aml.Length - position < size)
                return false;
            for (int i = size - 1; i >= 0; i--)
                value = (value << 8) | aml[position + i];
            position += size;
            return true;
        }
    }
}
