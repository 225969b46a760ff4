// Pure logic; no hardware. Typed VMCS access: each field enum fixes the value type, so reading a
// 16-bit field into a ulong, or writing a 64-bit value to a 32-bit field, does not compile.
// Callable as Vmcs.Read(ref vmcs, VmcsField32.ExitReason) or, on a variable, vmcs.Read(field)
// (ref extension: the struct is not copied). Runs wherever TVmcs runs; never allocates.
namespace BareVisor.Core.Vmx
{
    public static class Vmcs
    {
        public static ushort Read<TVmcs>(ref this TVmcs vmcs, VmcsField16 field) where TVmcs : struct, IVmcs =>
            (ushort)vmcs.Read((uint)field);

        public static uint Read<TVmcs>(ref this TVmcs vmcs, VmcsField32 field) where TVmcs : struct, IVmcs =>
            (uint)vmcs.Read((uint)field);

        public static ulong Read<TVmcs>(ref this TVmcs vmcs, VmcsField64 field) where TVmcs : struct, IVmcs =>
            vmcs.Read((uint)field);

        public static ulong Read<TVmcs>(ref this TVmcs vmcs, VmcsFieldNatural field) where TVmcs : struct, IVmcs =>
            vmcs.Read((uint)field);

        public static void Write<TVmcs>(ref this TVmcs vmcs, VmcsField16 field, ushort value) where TVmcs : struct, IVmcs =>
            vmcs.Write((uint)field, value);

        public static void Write<TVmcs>(ref this TVmcs vmcs, VmcsField32 field, uint value) where TVmcs : struct, IVmcs =>
            vmcs.Write((uint)field, value);

        public static void Write<TVmcs>(ref this TVmcs vmcs, VmcsField64 field, ulong value) where TVmcs : struct, IVmcs =>
            vmcs.Write((uint)field, value);

        public static void Write<TVmcs>(ref this TVmcs vmcs, VmcsFieldNatural field, ulong value) where TVmcs : struct, IVmcs =>
            vmcs.Write((uint)field, value);

        /// <summary>The exit-reason field, decoded.</summary>
        public static ExitReasonField ReadExitReason<TVmcs>(ref this TVmcs vmcs) where TVmcs : struct, IVmcs =>
            new ExitReasonField(Read(ref vmcs, VmcsField32.ExitReason));

        /// <summary>The VM-instruction error field (after VMfailValid).</summary>
        public static VmInstructionError ReadInstructionError<TVmcs>(ref this TVmcs vmcs) where TVmcs : struct, IVmcs =>
            (VmInstructionError)Read(ref vmcs, VmcsField32.VmInstructionError);
    }
}
