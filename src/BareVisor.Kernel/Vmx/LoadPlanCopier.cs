// Carries out a loader's plan: each segment's bytes (from the kernel image, a module, or what the
// loader generated) copied into the guest's memory, followed by its zero fill. Guest memory is
// fresh (zeroed), so zero fill needs no writes. Runs at guest set-up.
using System;
using BareVisor.Core.Boot;
using BareVisor.Core.Loaders;
using BareVisor.Kernel.Memory;

namespace BareVisor.Kernel.Vmx
{
    internal static class LoadPlanCopier
    {
        internal static void Copy(LoadPlan plan, BootModule image, BootModule[] modules, GuestMemory memory)
        {
            IdentityMappedMemory host = default;
            foreach (LoadSegment segment in plan.Segments)
            {
                if (segment.SourceLength == 0)
                    continue;
                ReadOnlySpan<byte> bytes = segment.Source switch
                {
                    LoadSource.Image => host.Read(image.Range.Start + segment.SourceOffset, (int)segment.SourceLength),
                    LoadSource.Module => host.Read(modules[segment.ModuleIndex].Range.Start + segment.SourceOffset, (int)segment.SourceLength),
                    _ => new ReadOnlySpan<byte>(segment.Data, (int)segment.SourceOffset, (int)segment.SourceLength),
                };
                memory.TryWrite(segment.Address, bytes);
            }
        }
    }
}
