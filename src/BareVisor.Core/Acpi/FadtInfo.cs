// Pure logic; no hardware. What the hypervisor needs from the Fixed ACPI Description Table.
using BareVisor.Core.Memory;

namespace BareVisor.Core.Acpi
{
    public struct FadtInfo
    {
        /// <summary>I/O port of PM1a_CNT_BLK (SLP_TYP/SLP_EN live here); 0 if none.</summary>
        public uint Pm1aControlBlock;

        /// <summary>I/O port of PM1b_CNT_BLK; 0 if none.</summary>
        public uint Pm1bControlBlock;

        public ushort SciInterrupt;

        /// <summary>FADT Flags.RESET_REG_SUP (bit 10) is set and the table is long enough to hold RESET_REG.</summary>
        public bool HasResetRegister;
        public GenericAddress ResetRegister;
        public byte ResetValue;

        /// <summary>I/O port of the ACPI PM timer (PM_TMR_BLK); 0 if none.</summary>
        public uint PmTimerBlock;

        /// <summary>Where the DSDT is (X_DSDT when present); 0 if none.</summary>
        public HostPhysical Dsdt;

        /// <summary>The FADT's Flags field.</summary>
        public uint Flags;
    }
}
