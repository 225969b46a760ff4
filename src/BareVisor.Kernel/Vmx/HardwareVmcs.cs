// Core's IVmcs on the current VMCS of this CPU: VMREAD and VMWRITE. A struct, so the generic Core
// code that takes it compiles to direct calls. A failing VMWRITE is a BareVisor bug (a field this
// CPU lacks or a bad value) and is fatal with the field's name; reads report failure to callers
// that ask (the VMCS dump), and are fatal otherwise. VMX root, interrupts off.
using BareVisor.Core.Text;
using BareVisor.Core.Vmx;
using BareVisor.Kernel.Arch;
using BareVisor.Kernel.Diagnostics;

namespace BareVisor.Kernel.Vmx
{
    internal unsafe struct HardwareVmcs : IVmcs
    {
        public ulong Read(uint encoding)
        {
            ulong value;
            if (Native.VmRead(encoding, &value) != 0)
                Panic.Fatal("VMREAD of " + VmcsFieldTable.Name(encoding) + " failed");
            return value;
        }

        public bool TryRead(uint encoding, out ulong value)
        {
            ulong result;
            bool ok = Native.VmRead(encoding, &result) == 0;
            value = result;
            return ok;
        }

        public void Write(uint encoding, ulong value)
        {
            if (Native.VmWrite(encoding, value) != 0)
                Panic.Fatal("VMWRITE of " + VmcsFieldTable.Name(encoding) + Messages.WithHex(" = ", value, " failed: ") + LastError());
        }

        internal static string LastError()
        {
            ulong error;
            if (Native.VmRead((uint)VmcsField32.VmInstructionError, &error) != 0)
                return "no current VMCS";
            return VmInstructionErrorNames.Name((VmInstructionError)error);
        }
    }
}
