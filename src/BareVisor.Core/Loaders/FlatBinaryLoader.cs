// Pure logic; no hardware. Plans a flat binary: the whole file at one guest-physical address, entry
// at load address + EntryOffset, in real, 32-bit protected or 64-bit long mode (the last two with
// the plan's GDT, and for long mode its identity-map page tables). Runs at guest set-up; allocates.
using System;
using BareVisor.Core.Guests;
using BareVisor.Core.Memory;

namespace BareVisor.Core.Loaders
{
    public sealed class FlatBinaryParameters
    {
        public GuestMemoryLayout Memory;
        public GuestStartMode Mode = GuestStartMode.Protected;
        public GuestPhysical LoadAddress;
        public ulong EntryOffset;

        /// <summary>Initial RSP/ESP/SP; 0 for the default: the load address in real mode, BootAddresses.StackTop otherwise.</summary>
        public ulong Stack;
    }

    public static class FlatBinaryLoader
    {
        public const string Format = "flat binary";
        public const ulong RealModeLimit = 0x100000;

        public static bool TryPlan(ReadOnlySpan<byte> image, FlatBinaryParameters parameters, out LoadPlan plan, out string error)
        {
            plan = null;
            if (image.IsEmpty)
                return LoaderText.Fail("flat binary: the image is empty", out error);
            if (parameters.EntryOffset >= (ulong)image.Length)
                return LoaderText.Fail("flat binary: the entry offset " + LoaderText.Hex(parameters.EntryOffset)
                    + " is past the end of the " + LoaderText.Dec((ulong)image.Length) + "-byte image", out error);
            if (!parameters.Memory.TryBuild(out GuestMemoryRange[] map, out error))
                return false;
            ulong load = parameters.LoadAddress.Value;
            ulong entry = load + parameters.EntryOffset;
            LoadPlanBuilder builder = new LoadPlanBuilder();
            builder.AddImage("image", load, 0, (ulong)image.Length, 0);
            if (parameters.Mode == GuestStartMode.Real)
            {
                if (entry >= RealModeLimit)
                    return LoaderText.Fail("flat binary: a real-mode entry point must be below 1 MiB (it is " + LoaderText.Hex(entry) + ")", out error);
                builder.Start.Mode = GuestStartMode.Real;
                builder.Start.CodeSelector = (ushort)((entry >> 4) & 0xF000); // CS base = entry & 0xF0000, IP = entry & 0xFFFF
                builder.Start.Rsp = parameters.Stack != 0 ? parameters.Stack : load;
            }
            else
            {
                if (entry >= 0x100000000 && parameters.Mode == GuestStartMode.Protected)
                    return LoaderText.Fail("flat binary: a protected-mode entry point must be below 4 GiB (it is " + LoaderText.Hex(entry) + ")", out error);
                builder.AddBootTables(parameters.Mode);
                if (parameters.Stack != 0)
                    builder.Start.Rsp = parameters.Stack;
            }
            builder.Start.Rip = entry;
            return builder.TryFinish(Format, Format, map, out plan, out error);
        }
    }
}
