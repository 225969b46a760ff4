// Pure logic; no hardware. Raw access to the current VMCS: the kernel implements it with VMREAD and
// VMWRITE (VMX root, on the CPU whose VMCS is current), tests with a fake. Core code uses the typed
// helpers in Vmcs, which pick the value width from the field's enum.
namespace BareVisor.Core.Vmx
{
    public interface IVmcs
    {
        /// <summary>VMREAD of a field the CPU supports; a failure is a BareVisor bug (the kernel panics).</summary>
        ulong Read(uint encoding);

        /// <summary>VMWRITE; a failure is a BareVisor bug (the kernel panics).</summary>
        void Write(uint encoding, ulong value);

        /// <summary>VMREAD that reports failure (a field this CPU does not support) instead of panicking.</summary>
        bool TryRead(uint encoding, out ulong value);
    }
}
