// Host test code. A VMCS held in sorted arrays (no dictionary, like the kernel would have to), with
// the hardware's rules: fields outside the table (or marked unsupported) fail VMREAD/VMWRITE,
// values are truncated to the field width, read-only fields refuse VMWRITE, and a 64-bit field's
// high-access encoding (encoding | 1) reaches its upper 32 bits.
using System;
using System.Collections.Generic;
using BareVisor.Core.Vmx;

namespace BareVisor.Core.Tests.Fakes
{
    public sealed class FakeVmcsState
    {
        private uint[] encodings = new uint[8];
        private ulong[] values = new ulong[8];
        private int count;

        /// <summary>Fields this "CPU" does not implement (VMREAD/VMWRITE fail).</summary>
        public readonly List<uint> Unsupported = new List<uint>();

        /// <summary>Every successful Write, in order.</summary>
        public readonly List<(uint Encoding, ulong Value)> Writes = new List<(uint, ulong)>();

        /// <summary>IA32_VMX_MISC bit 29: VMWRITE may write read-only (exit information) fields.</summary>
        public bool WritableExitInformation;

        public int Count => count;

        public bool IsSupported(uint fullEncoding) =>
            VmcsFieldTable.Name(fullEncoding) != null && !Unsupported.Contains(fullEncoding);

        /// <summary>Stores a value directly (as the CPU does for exit information), bypassing the VMWRITE rules.</summary>
        public void Set(uint fullEncoding, ulong value)
        {
            int at = Find(fullEncoding);
            if (at >= 0)
            {
                values[at] = value;
                return;
            }
            Insert(~at, fullEncoding, value);
        }

        /// <summary>The stored value; 0 for a field never written (a fresh VMCS after VMCLEAR is not defined, but 0 keeps tests simple).</summary>
        public ulong Get(uint fullEncoding)
        {
            int at = Find(fullEncoding);
            return at >= 0 ? values[at] : 0;
        }

        private int Find(uint encoding) => Array.BinarySearch(encodings, 0, count, encoding);

        private void Insert(int at, uint encoding, ulong value)
        {
            if (count == encodings.Length)
            {
                Array.Resize(ref encodings, count * 2);
                Array.Resize(ref values, count * 2);
            }
            Array.Copy(encodings, at, encodings, at + 1, count - at);
            Array.Copy(values, at, values, at + 1, count - at);
            encodings[at] = encoding;
            values[at] = value;
            count++;
        }
    }

    public struct FakeVmcs : IVmcs
    {
        public readonly FakeVmcsState State;

        public FakeVmcs(FakeVmcsState state) { State = state; }

        public ulong Read(uint encoding)
        {
            Assert.True(TryRead(encoding, out ulong value), "VMREAD of an unsupported field: 0x" + encoding.ToString("x4"));
            return value;
        }

        public bool TryRead(uint encoding, out ulong value)
        {
            value = 0;
            uint full = encoding & ~1u;
            if (!IsValidAccess(encoding) || !State.IsSupported(full))
                return false;
            value = VmcsFieldEncoding.IsHighAccess(encoding) ? State.Get(full) >> 32 : State.Get(full);
            return true;
        }

        public void Write(uint encoding, ulong value)
        {
            uint full = encoding & ~1u;
            Assert.True(IsValidAccess(encoding) && State.IsSupported(full), "VMWRITE of an unsupported field: 0x" + encoding.ToString("x4"));
            Assert.True(VmcsFieldEncoding.Type(encoding) != VmcsFieldType.ReadOnlyData || State.WritableExitInformation,
                "VMWRITE to a read-only field: 0x" + encoding.ToString("x4"));
            ulong stored = VmcsFieldEncoding.IsHighAccess(encoding)
                ? (State.Get(full) & 0xFFFF_FFFF) | (value << 32)
                : VmcsFieldEncoding.Truncate(encoding, value);
            State.Set(full, stored);
            State.Writes.Add((encoding, value));
        }

        // High access (bit 0) exists only for 64-bit fields.
        private static bool IsValidAccess(uint encoding) =>
            !VmcsFieldEncoding.IsHighAccess(encoding) || VmcsFieldEncoding.Width(encoding) == VmcsFieldWidth.Bits64;
    }
}
