// The guest's Fixed ACPI Description Table, revision 6.3 (ACPI spec 5.2.9): full (not
// hardware-reduced) ACPI with no SMM, so no SMI_CMD and ACPI is always enabled; the SCI on
// IRQ 9; the PM1a event and control blocks and the 24-bit PM timer of AcpiPmDevice, given both as
// 32-bit ports and as matching X_ Generic Addresses (ACPICA warns when a pair disagrees in
// address or width), and likewise the FACS and DSDT in both their 32-bit and X_ fields; no GPE
// blocks, no C2/C3, no fixed power or sleep button; reset by writing 0xFE to the 8042's command
// port; legacy devices and an 8042 present; the RTC's century at CMOS index 0x32. Runs at guest
// set-up.
using BareVisor.Core.Devices;

namespace BareVisor.Core.Acpi.Guest
{
    internal static class GuestFadt
    {
        public const byte Revision = 6;
        public const byte MinorVersion = 3;

        // Flags.
        public const uint Wbinvd = 1u << 0;
        public const uint ProcC1 = 1u << 2;
        public const uint PowerButtonIsControlMethod = 1u << 4; // with no such device: no power button
        public const uint SleepButtonIsControlMethod = 1u << 5; // likewise no sleep button
        public const uint FixRtc = 1u << 6;                     // RTC_STS never signals a wake
        public const uint ResetRegSupported = 1u << 10;
        public const uint Flags = Wbinvd | ProcC1 | PowerButtonIsControlMethod | SleepButtonIsControlMethod | FixRtc | ResetRegSupported;

        // IAPC_BOOT_ARCH.
        public const ushort LegacyDevices = 1 << 0;
        public const ushort Has8042 = 1 << 1;

        /// <summary>Latencies above 100 us (C2) and 1000 us (C3) say the state is not supported.</summary>
        public const ushort C2Unsupported = 101;
        public const ushort C3Unsupported = 1001;

        public const byte PmProfileUnspecified = 0;

        // Generic Address access sizes.
        private const byte ByteAccess = 1, WordAccess = 2, DWordAccess = 3;

        private const uint Pm1EventBlock = AcpiPmDevice.Port + AcpiPmDevice.Pm1StatusOffset;
        private const uint Pm1ControlBlock = AcpiPmDevice.Port + AcpiPmDevice.Pm1ControlOffset;
        private const uint PmTimerBlock = AcpiPmDevice.Port + AcpiPmDevice.PmTimerOffset;

        public static void Write(AcpiBlobWriter w, uint facs, uint dsdt)
        {
            int start = w.BeginTable("FACP", Revision);
            w.U32(facs);                               // FIRMWARE_CTRL
            w.U32(dsdt);                               // DSDT
            w.U8(0);                                   // reserved (ACPI 1.0's INT_MODEL)
            w.U8(PmProfileUnspecified);
            w.U16(GuestPlatform.SciIsaIrq);            // SCI_INT
            w.U32(0);                                  // SMI_CMD: no SMM, ACPI always enabled
            w.U8(0);                                   // ACPI_ENABLE
            w.U8(0);                                   // ACPI_DISABLE
            w.U8(0);                                   // S4BIOS_REQ
            w.U8(0);                                   // PSTATE_CNT
            w.U32(Pm1EventBlock);                      // PM1a_EVT_BLK
            w.U32(0);                                  // PM1b_EVT_BLK
            w.U32(Pm1ControlBlock);                    // PM1a_CNT_BLK
            w.U32(0);                                  // PM1b_CNT_BLK
            w.U32(0);                                  // PM2_CNT_BLK
            w.U32(PmTimerBlock);                       // PM_TMR_BLK
            w.U32(0);                                  // GPE0_BLK
            w.U32(0);                                  // GPE1_BLK
            w.U8(AcpiPmDevice.Pm1EventLength);         // PM1_EVT_LEN
            w.U8(AcpiPmDevice.Pm1ControlLength);       // PM1_CNT_LEN
            w.U8(0);                                   // PM2_CNT_LEN
            w.U8(AcpiPmDevice.PmTimerLength);          // PM_TMR_LEN
            w.U8(0);                                   // GPE0_BLK_LEN
            w.U8(0);                                   // GPE1_BLK_LEN
            w.U8(0);                                   // GPE1_BASE
            w.U8(0);                                   // CST_CNT
            w.U16(C2Unsupported);                      // P_LVL2_LAT
            w.U16(C3Unsupported);                      // P_LVL3_LAT
            w.U16(0);                                  // FLUSH_SIZE
            w.U16(0);                                  // FLUSH_STRIDE
            w.U8(0);                                   // DUTY_OFFSET
            w.U8(0);                                   // DUTY_WIDTH
            w.U8(0);                                   // DAY_ALRM
            w.U8(0);                                   // MON_ALRM
            w.U8(CmosRtc.Century);                     // CENTURY
            w.U16(LegacyDevices | Has8042);            // IAPC_BOOT_ARCH
            w.U8(0);                                   // reserved
            w.U32(Flags);
            w.GenericAddress(GenericAddress.SystemIo, 8, ByteAccess, I8042.StatusPort); // RESET_REG
            w.U8(GuestPlatform.ResetValue);            // RESET_VALUE
            w.U16(0);                                  // ARM_BOOT_ARCH
            w.U8(MinorVersion);
            w.U64(facs);                               // X_FIRMWARE_CTRL
            w.U64(dsdt);                               // X_DSDT
            w.GenericAddress(GenericAddress.SystemIo, AcpiPmDevice.Pm1EventLength * 8, WordAccess, Pm1EventBlock);
            w.Zeros(GenericAddress.Size);              // X_PM1b_EVT_BLK
            w.GenericAddress(GenericAddress.SystemIo, AcpiPmDevice.Pm1ControlLength * 8, WordAccess, Pm1ControlBlock);
            w.Zeros(GenericAddress.Size);              // X_PM1b_CNT_BLK
            w.Zeros(GenericAddress.Size);              // X_PM2_CNT_BLK
            w.GenericAddress(GenericAddress.SystemIo, AcpiPmDevice.PmTimerLength * 8, DWordAccess, PmTimerBlock);
            w.Zeros(GenericAddress.Size);              // X_GPE0_BLK
            w.Zeros(GenericAddress.Size);              // X_GPE1_BLK
            w.Zeros(GenericAddress.Size);              // SLEEP_CONTROL_REG
            w.Zeros(GenericAddress.Size);              // SLEEP_STATUS_REG
            w.U64(0);                                  // hypervisor vendor identity
            w.EndTable(start);
        }
    }
}
