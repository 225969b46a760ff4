// The architectural state a guest vCPU starts in, written into its VMCS: real mode at a chosen
// CS:IP (needs unrestricted guest), 32-bit protected mode with flat segments and paging off, or
// 64-bit long mode with the page tables at Cr3 (built by the loader). BareVisor owns CR0.NE and
// CR4.VMXE (see Exits/CrAccessExit); the read shadows show the guest its own values.
// Pure logic over IVmcs; runs at guest set-up.
using BareVisor.Core.Guests;
using BareVisor.Core.Loaders;
using BareVisor.Core.Vmx.Exits;

namespace BareVisor.Core.Vmx
{
    public static class GuestStartState
    {
        private const uint CodeAccess = 0x9B, DataAccess = 0x93, BusyTss = 0x8B, Unusable = 0x10000;
        private const uint Granular32 = 0xC000, LongModeCode = 0xA000;
        private const ulong Cr0Pe = 1, Cr0Et = 1UL << 4, Cr0Wp = 1UL << 16, Cr0Pg = 1UL << 31;
        private const ulong Cr4Pae = 1UL << 5, EferLme = 1UL << 8, EferLma = 1UL << 10;
        public const ushort CodeSelector = 0x08, DataSelector = 0x10;

        // The state BareVisor gives `guest ...` module guests (docs/guests.md): flat segments 0x08
        // and 0x10 with no GDT in guest memory, real mode from CS 0.
        public static StartState ForModuleGuest(GuestStartMode mode, ulong entry, ulong stack, ulong cr3) => new StartState
        {
            Mode = mode,
            Rip = entry,
            Rsp = stack,
            Cr3 = mode == GuestStartMode.Long ? cr3 : 0,
            GdtLimit = 0xFFFF,
            CodeSelector = mode == GuestStartMode.Real ? (ushort)0 : CodeSelector,
            DataSelector = mode == GuestStartMode.Real ? (ushort)0 : DataSelector,
        };

        // Writes the start state into the VMCS. In real mode CS is start.CodeSelector with base
        // selector * 16 and the other segments are 0; otherwise all segments are flat.
        public static void Apply<TVmcs>(ref TVmcs vmcs, StartState start)
            where TVmcs : struct, IVmcs
        {
            GuestStartMode mode = start.Mode;
            bool real = mode == GuestStartMode.Real;
            bool longMode = mode == GuestStartMode.Long;
            uint limit = real ? 0xFFFFu : 0xFFFFFFFFu;
            uint code = real ? CodeAccess : CodeAccess | (longMode ? LongModeCode : Granular32);
            uint data = real ? DataAccess : DataAccess | Granular32;
            ushort codeSelector = start.CodeSelector, dataSelector = start.DataSelector;
            ulong codeBase = real ? (ulong)codeSelector << 4 : 0;

            Segment(ref vmcs, VmcsField16.GuestCsSelector, VmcsField32.GuestCsLimit, VmcsField32.GuestCsAccessRights, VmcsFieldNatural.GuestCsBase, codeSelector, codeBase, limit, code);
            Segment(ref vmcs, VmcsField16.GuestSsSelector, VmcsField32.GuestSsLimit, VmcsField32.GuestSsAccessRights, VmcsFieldNatural.GuestSsBase, dataSelector, 0, limit, data);
            Segment(ref vmcs, VmcsField16.GuestDsSelector, VmcsField32.GuestDsLimit, VmcsField32.GuestDsAccessRights, VmcsFieldNatural.GuestDsBase, dataSelector, 0, limit, data);
            Segment(ref vmcs, VmcsField16.GuestEsSelector, VmcsField32.GuestEsLimit, VmcsField32.GuestEsAccessRights, VmcsFieldNatural.GuestEsBase, dataSelector, 0, limit, data);
            Segment(ref vmcs, VmcsField16.GuestFsSelector, VmcsField32.GuestFsLimit, VmcsField32.GuestFsAccessRights, VmcsFieldNatural.GuestFsBase, dataSelector, 0, limit, data);
            Segment(ref vmcs, VmcsField16.GuestGsSelector, VmcsField32.GuestGsLimit, VmcsField32.GuestGsAccessRights, VmcsFieldNatural.GuestGsBase, dataSelector, 0, limit, data);
            Segment(ref vmcs, VmcsField16.GuestTrSelector, VmcsField32.GuestTrLimit, VmcsField32.GuestTrAccessRights, VmcsFieldNatural.GuestTrBase, 0, 0, 0xFFFF, BusyTss);
            Segment(ref vmcs, VmcsField16.GuestLdtrSelector, VmcsField32.GuestLdtrLimit, VmcsField32.GuestLdtrAccessRights, VmcsFieldNatural.GuestLdtrBase, 0, 0, 0, Unusable);
            vmcs.Write(VmcsFieldNatural.GuestGdtrBase, start.GdtBase.Value);
            vmcs.Write(VmcsField32.GuestGdtrLimit, start.GdtLimit == 0 ? 0xFFFFu : start.GdtLimit);
            vmcs.Write(VmcsFieldNatural.GuestIdtrBase, 0);
            vmcs.Write(VmcsField32.GuestIdtrLimit, 0xFFFF);
            ulong cr3 = start.Cr3;
            ulong entry = start.Rip - codeBase, stack = start.Rsp;

            ulong cr0 = Cr0Et | (real ? 0 : Cr0Pe) | (longMode ? Cr0Pg | Cr0Wp : 0);
            ulong cr4 = longMode ? Cr4Pae : 0;
            vmcs.Write(VmcsFieldNatural.Cr0GuestHostMask, CrAccessExit.Cr0OwnedBits);
            vmcs.Write(VmcsFieldNatural.Cr4GuestHostMask, CrAccessExit.Cr4OwnedBits);
            vmcs.Write(VmcsFieldNatural.Cr0ReadShadow, cr0);
            vmcs.Write(VmcsFieldNatural.Cr4ReadShadow, cr4);
            vmcs.Write(VmcsFieldNatural.GuestCr0, cr0 | CrAccessExit.Cr0OwnedBits);
            vmcs.Write(VmcsFieldNatural.GuestCr4, cr4 | CrAccessExit.Cr4OwnedBits);
            vmcs.Write(VmcsFieldNatural.GuestCr3, longMode ? cr3 : 0);
            vmcs.Write(VmcsField64.GuestIa32Efer, longMode ? EferLme | EferLma : 0);
            vmcs.Write(VmcsField64.GuestIa32Pat, 0x0007040600070406);

            vmcs.Write(VmcsFieldNatural.GuestRip, entry);
            vmcs.Write(VmcsFieldNatural.GuestRsp, stack);
            vmcs.Write(VmcsFieldNatural.GuestRflags, 0x2);
            vmcs.Write(VmcsFieldNatural.GuestDr7, 0x400);
            vmcs.Write(VmcsField64.GuestIa32Debugctl, 0);
            vmcs.Write(VmcsField32.GuestIa32SysenterCs, 0);
            vmcs.Write(VmcsFieldNatural.GuestIa32SysenterEsp, 0);
            vmcs.Write(VmcsFieldNatural.GuestIa32SysenterEip, 0);
            vmcs.Write(VmcsFieldNatural.GuestPendingDebugExceptions, 0);
            vmcs.Write(VmcsField32.GuestInterruptibilityState, 0);
            vmcs.Write(VmcsField32.GuestActivityState, 0);
            vmcs.Write(VmcsField64.VmcsLinkPointer, ulong.MaxValue);
            vmcs.Write(VmcsField32.VmEntryInterruptionInformationField, 0);
        }

        private static void Segment<TVmcs>(ref TVmcs vmcs, VmcsField16 selector, VmcsField32 limit, VmcsField32 access,
            VmcsFieldNatural baseField, ushort value, ulong baseValue, uint limitValue, uint accessRights)
            where TVmcs : struct, IVmcs
        {
            vmcs.Write(selector, value);
            vmcs.Write(limit, limitValue);
            vmcs.Write(access, accessRights);
            vmcs.Write(baseField, baseValue);
        }
    }
}
