// The local APIC of a single-vCPU guest (Intel SDM vol. 3, "Advanced Programmable Interrupt
// Controller"): IA32_APIC_BASE and its xAPIC / x2APIC / disabled states, the xAPIC registers in
// the page at 0xFEE00000, the x2APIC registers as MSRs 0x800-0x8FF, IA32_TSC_DEADLINE, interrupt
// acceptance and priority (IRR, ISR, TMR, TPR, PPR), EOI with a broadcast to an IEoiListener for
// level-triggered vectors, self IPIs, the LVT, and the timer (LocalApicTimer). The platform
// injects with HasInterrupt / TryAcknowledge, lets the 8259's INTR through while AcceptsExtInt,
// and moves time with Advance before it touches the APIC, as with the other timers.
// Simplifications: the base address cannot be moved; the APIC ID is read-only; IPIs other than
// fixed ones to this CPU are counted and dropped (there is no other CPU); reserved bits in the low
// 32 bits of a register are dropped rather than faulted in x2APIC mode.
// Pure state machine; runs in VMX root on EPT, MSR and interrupt-window exits; never allocates
// after construction.
using R = BareVisor.Core.Devices.LocalApicRegisters;

namespace BareVisor.Core.Devices
{
    public enum LocalApicMode
    {
        Disabled,
        XApic,
        X2Apic,
    }

    public sealed class LocalApic : MmioDevice
    {
        public const ulong DefaultBase = 0xFEE00000;
        public const int WindowSize = 4096;

        /// <summary>The timer's input clock (the core crystal clock, also reported in CPUID leaf 0x15).</summary>
        public const ulong TimerHz = 25_000_000;

        public const uint ApicBaseMsr = 0x1B;
        public const uint TscDeadlineMsr = 0x6E0;
        public const uint X2ApicMsrFirst = 0x800;
        public const uint X2ApicMsrLast = 0x8FF;

        // IA32_APIC_BASE fields.
        public const ulong BaseMsrBsp = 1UL << 8;
        public const ulong BaseMsrX2ApicEnable = 1UL << 10;
        public const ulong BaseMsrGlobalEnable = 1UL << 11;
        public const ulong BaseMsrAddressMask = 0x000F_FFFF_FFFF_F000;
        public const ulong ResetBaseMsr = DefaultBase | BaseMsrGlobalEnable | BaseMsrBsp;

        private readonly LocalApicDestination _destination;
        private readonly uint[] _lvt = new uint[R.LvtCount];
        private readonly LocalApicInterruptRegisters _interrupts = new LocalApicInterruptRegisters();
        private readonly LocalApicTimer _timer;
        private ulong _baseMsr = ResetBaseMsr;
        private LocalApicMode _mode = LocalApicMode.XApic;
        private uint _svr;
        private uint _esr;
        private uint _pendingErrors;    // errors detected since the last ESR write
        private uint _icrLow;
        private uint _icrHigh;          // xAPIC: destination in bits 31:24; x2APIC: the 32-bit destination

        /// <param name="tscHz">The guest TSC's rate (below 10 GHz).</param>
        /// <param name="tscAtZero">The guest TSC at device time 0.</param>
        /// <param name="apicId">This CPU's APIC ID (xAPIC and x2APIC).</param>
        public LocalApic(ulong tscHz, ulong tscAtZero, byte apicId = 0)
        {
            _destination = new LocalApicDestination(apicId);
            _timer = new LocalApicTimer(tscHz, tscAtZero);
            ResetRegisters();
        }

        public override string Name => "local APIC";

        /// <summary>Told the vector of each EOI of a level-triggered interrupt (null: nobody).</summary>
        public IEoiListener EoiListener { get; set; }

        public byte Id => _destination.Id;

        public LocalApicMode Mode => _mode;

        /// <summary>SVR bit 8: clear after reset, until the guest enables the APIC.</summary>
        public bool SoftwareEnabled => (_svr & R.SoftwareEnable) != 0;

        /// <summary>The guest TSC at the time of the last Advance.</summary>
        public ulong Tsc => _timer.Tsc;

        public LocalApicTimerMode TimerMode => _timer.Mode;

        /// <summary>IPIs the guest sent that reached no CPU (not fixed, or not to this one); the platform may report them once.</summary>
        public ulong IgnoredIpiCount { get; private set; }

        /// <summary>The ICR of the last ignored IPI, in the x2APIC layout (destination in bits 63:32; xAPIC destinations in 63:56).</summary>
        public ulong LastIgnoredIpi { get; private set; }

        public ulong BaseMsr => _baseMsr;

        /// <summary>
        /// WRMSR to IA32_APIC_BASE; false means #GP: a reserved bit set, a base other than
        /// 0xFEE00000 (the APIC cannot be moved), x2APIC enable without global enable, x2APIC to
        /// xAPIC without disabling first, or disabled straight to x2APIC. BSP is read-only.
        /// Disabling resets every register but the ID, as the SDM's state transitions say.
        /// </summary>
        public bool TryWriteBaseMsr(ulong value)
        {
            const ulong writable = BaseMsrBsp | BaseMsrX2ApicEnable | BaseMsrGlobalEnable | BaseMsrAddressMask;
            if ((value & ~writable) != 0 || (value & BaseMsrAddressMask) != DefaultBase)
                return false;
            bool enabled = (value & BaseMsrGlobalEnable) != 0;
            bool x2 = (value & BaseMsrX2ApicEnable) != 0;
            if (x2 && !enabled)
                return false;
            LocalApicMode next = !enabled ? LocalApicMode.Disabled : x2 ? LocalApicMode.X2Apic : LocalApicMode.XApic;
            if ((_mode == LocalApicMode.X2Apic && next == LocalApicMode.XApic) ||
                (_mode == LocalApicMode.Disabled && next == LocalApicMode.X2Apic))
                return false;
            if (next == LocalApicMode.Disabled && _mode != LocalApicMode.Disabled)
                ResetRegisters();
            _mode = next;
            _baseMsr = value | BaseMsrBsp;
            return true;
        }

        public static bool IsX2ApicMsr(uint msr) => msr >= X2ApicMsrFirst && msr <= X2ApicMsrLast;

        /// <summary>
        /// Whether an access to this xAPIC page offset or MSR depends on the current time or can
        /// change when the timer next fires (timer LVT, initial and current count, divide
        /// configuration, the software enable in SVR, IA32_TSC_DEADLINE, IA32_APIC_BASE): the
        /// platform advances time before such accesses and reschedules after them, and skips
        /// both for the rest (EOI, TPR, ICR), the frequent ones.
        /// </summary>
        public static bool IsTimerOffset(ulong offset) => offset < WindowSize && IsTimerRegister((int)(offset >> 4));

        public static bool IsTimerMsr(uint msr) =>
            msr == ApicBaseMsr || msr == TscDeadlineMsr || (IsX2ApicMsr(msr) && IsTimerRegister((int)(msr - X2ApicMsrFirst)));

        private static bool IsTimerRegister(int register) =>
            register == R.LvtTimer || register == R.InitialCount || register == R.CurrentCount
            || register == R.DivideConfiguration || register == R.SpuriousInterruptVector;

        /// <summary>Every MSR TryReadMsr / TryWriteMsr answer: IA32_APIC_BASE, IA32_TSC_DEADLINE, the x2APIC range.</summary>
        public static bool HandlesMsr(uint msr) => msr == ApicBaseMsr || msr == TscDeadlineMsr || IsX2ApicMsr(msr);

        /// <summary>
        /// RDMSR; false means #GP: an x2APIC register outside x2APIC mode, a write-only or reserved
        /// one, or an MSR this device does not handle. IA32_TSC_DEADLINE reads 0 outside TSC-deadline mode.
        /// </summary>
        public bool TryReadMsr(uint msr, out ulong value)
        {
            value = 0;
            if (msr == ApicBaseMsr)
            {
                value = _baseMsr;
                return true;
            }
            if (msr == TscDeadlineMsr)
            {
                value = _timer.Deadline;
                return true;
            }
            if (!IsX2ApicMsr(msr) || _mode != LocalApicMode.X2Apic)
                return false;
            return TryReadRegister((int)(msr - X2ApicMsrFirst), out value);
        }

        /// <summary>
        /// WRMSR; false means #GP: an x2APIC register outside x2APIC mode, a read-only or reserved
        /// one, bits 63:32 set in a register other than the ICR, a non-zero EOI or ESR write, a
        /// SELF IPI with bits above the vector. IA32_TSC_DEADLINE writes outside TSC-deadline mode are ignored.
        /// </summary>
        public bool TryWriteMsr(uint msr, ulong value)
        {
            if (msr == ApicBaseMsr)
                return TryWriteBaseMsr(value);
            if (msr == TscDeadlineMsr)
            {
                _timer.WriteDeadline(value);
                return true;
            }
            if (!IsX2ApicMsr(msr) || _mode != LocalApicMode.X2Apic)
                return false;
            int register = (int)(msr - X2ApicMsrFirst);
            if (register != R.InterruptCommand && (value >> 32) != 0)
                return false;
            return TryWriteRegister(register, value);
        }

        /// <summary>32-bit reads at 16-byte boundaries; other accesses read 0. All ones unless in xAPIC mode.</summary>
        public override ulong Read(ulong offset, int size)
        {
            if (_mode != LocalApicMode.XApic)
                return ulong.MaxValue;
            if (size != 4 || (offset & 0xF) != 0 || offset >= WindowSize)
                return 0;
            return TryReadRegister((int)(offset >> 4), out ulong value) ? value : 0;
        }

        /// <summary>32-bit writes at 16-byte boundaries in xAPIC mode; everything else is dropped.</summary>
        public override void Write(ulong offset, int size, ulong value)
        {
            if (_mode != LocalApicMode.XApic || size != 4 || (offset & 0xF) != 0 || offset >= WindowSize)
                return;
            TryWriteRegister((int)(offset >> 4), value & 0xFFFF_FFFF);
        }

        /// <summary>CR8 is TPR[7:4]; writing it clears TPR[3:0].</summary>
        public ulong Cr8
        {
            get => _interrupts.TaskPriority >> 4;
            set => _interrupts.TaskPriority = (uint)(value & 0xF) << 4;
        }

        /// <summary>
        /// A fixed interrupt arrives (from the I/O APIC, the LVT or a self IPI): its IRR bit is set,
        /// and its TMR bit set for level or cleared for edge. Vectors 0-15 are illegal: refused with
        /// ESR "received illegal vector". A disabled or software-disabled APIC accepts nothing.
        /// </summary>
        public void Accept(byte vector, bool levelTriggered)
        {
            if (_mode == LocalApicMode.Disabled || !SoftwareEnabled)
                return;
            if (vector < 16)
            {
                RecordError(R.ReceivedIllegalVector);
                return;
            }
            _interrupts.Request(vector, levelTriggered);
        }

        /// <summary>
        /// The highest requested vector's priority class is above the processor priority's. Requests
        /// accepted before a software disable are still delivered, as the SDM says.
        /// </summary>
        public bool HasInterrupt => _mode != LocalApicMode.Disabled && _interrupts.Deliverable() >= 0;

        /// <summary>The INTA cycle: false when HasInterrupt is; otherwise the vector, moved from IRR to ISR.</summary>
        public bool TryAcknowledge(out byte vector)
        {
            int deliverable = _mode == LocalApicMode.Disabled ? -1 : _interrupts.Deliverable();
            vector = 0;
            if (deliverable < 0)
                return false;
            _interrupts.Acknowledge(deliverable);
            vector = (byte)deliverable;
            return true;
        }

        /// <summary>
        /// Whether the 8259's INTR may reach the CPU: the APIC is disabled or software-disabled
        /// (the state a guest booted without firmware finds it in, so the legacy path works until
        /// the guest programs the APIC), or LINT0 is unmasked with delivery mode ExtINT (virtual wire).
        /// </summary>
        public bool AcceptsExtInt
        {
            get
            {
                if (_mode == LocalApicMode.Disabled || !SoftwareEnabled)
                    return true;
                uint lint0 = _lvt[R.Lint0];
                return (lint0 & R.Masked) == 0 && ((lint0 >> R.DeliveryModeShift) & 7) == R.DeliveryModeExtInt;
            }
        }

        /// <summary>
        /// Whether an interrupt message's destination includes this CPU. xAPIC: 8-bit IDs, 0xFF is
        /// a broadcast, logical destinations in the flat or cluster model as the DFR says. x2APIC:
        /// 32-bit IDs, 0xFFFFFFFF is a broadcast, logical destinations in the cluster model of the
        /// LDR derived from the ID. A disabled APIC matches nothing.
        /// </summary>
        public bool MatchesDestination(uint destination, bool logical) =>
            _mode != LocalApicMode.Disabled && _destination.Matches(destination, logical, _mode == LocalApicMode.X2Apic);

        /// <summary>Moves time forward; the timer raises its LVT vector if it expired and is unmasked.</summary>
        public void Advance(ulong elapsedNanoseconds)
        {
            if (_timer.Advance(elapsedNanoseconds))
                RaiseLocal(R.Timer);
        }

        /// <summary>
        /// Nanoseconds until the timer next raises an interrupt, or ulong.MaxValue when it will not
        /// (stopped, or masked: a masked timer keeps counting but raises nothing). 0: at the next Advance.
        /// </summary>
        public ulong NextEventNanoseconds =>
            (_lvt[R.Timer] & R.Masked) != 0 ? ulong.MaxValue : _timer.NextExpiryNanoseconds;

        // False: no such register in the current mode, or it is write-only (the xAPIC EOI reads 0).
        private bool TryReadRegister(int register, out ulong value)
        {
            bool x2 = _mode == LocalApicMode.X2Apic;
            value = 0;
            if (register >= R.InService && register < R.InterruptRequest + ApicVectorSet.WordCount)
            {
                int word = register & 7;
                ApicVectorSet set = register < R.TriggerMode ? _interrupts.InService
                    : register < R.InterruptRequest ? _interrupts.LevelTriggered : _interrupts.Requested;
                value = set.Word(word);
                return true;
            }
            if (register >= R.LvtTimer && register <= R.LvtError)
            {
                value = _lvt[register - R.LvtTimer];
                return true;
            }
            switch (register)
            {
                case R.Id:
                    value = x2 ? Id : (uint)Id << 24;
                    return true;
                case R.Version:
                    value = R.VersionValue;
                    return true;
                case R.TaskPriority:
                    value = _interrupts.TaskPriority;
                    return true;
                case R.ArbitrationPriority:
                    value = _interrupts.ArbitrationPriority();
                    return !x2;
                case R.ProcessorPriority:
                    value = _interrupts.ProcessorPriority();
                    return true;
                case R.Eoi:
                    return !x2;
                case R.LogicalDestination:
                    value = x2 ? _destination.X2ApicLogicalId : _destination.LogicalDestination;
                    return true;
                case R.DestinationFormat:
                    value = _destination.DestinationFormat;
                    return !x2;
                case R.SpuriousInterruptVector:
                    value = _svr;
                    return true;
                case R.ErrorStatus:
                    value = _esr;
                    return true;
                case R.InterruptCommand:
                    value = x2 ? InterruptCommand : _icrLow;
                    return true;
                case R.InterruptCommandHigh:
                    value = _icrHigh;
                    return !x2;
                case R.InitialCount:
                    value = _timer.InitialCount;
                    return true;
                case R.CurrentCount:
                    value = _timer.CurrentCount;
                    return true;
                case R.DivideConfiguration:
                    value = _timer.DivideConfiguration;
                    return true;
                default:
                    return false;
            }
        }

        // False: no such register in the current mode, read-only, or (x2APIC) a value that faults.
        private bool TryWriteRegister(int register, ulong value)
        {
            bool x2 = _mode == LocalApicMode.X2Apic;
            uint low = (uint)value;
            if (register >= R.LvtTimer && register <= R.LvtError)
            {
                WriteLvt(register - R.LvtTimer, low);
                return true;
            }
            switch (register)
            {
                case R.TaskPriority:
                    _interrupts.TaskPriority = low & 0xFF;
                    return true;
                case R.Eoi:
                    if (x2 && value != 0)
                        return false;
                    EndOfInterrupt();
                    return true;
                case R.LogicalDestination:
                    if (x2)
                        return false;
                    _destination.LogicalDestination = low;
                    return true;
                case R.DestinationFormat:
                    if (x2)
                        return false;
                    _destination.DestinationFormat = low;
                    return true;
                case R.SpuriousInterruptVector:
                    WriteSpuriousInterruptVector(low);
                    return true;
                case R.ErrorStatus:
                    if (x2 && value != 0)
                        return false;
                    _esr = _pendingErrors;  // a write makes the errors seen since the previous write readable
                    _pendingErrors = 0;
                    return true;
                case R.InterruptCommand:
                    if (x2)
                        _icrHigh = (uint)(value >> 32);
                    _icrLow = low & R.InterruptCommandWritable;
                    SendInterprocessorInterrupt();
                    return true;
                case R.InterruptCommandHigh:
                    if (x2)
                        return false;
                    _icrHigh = low & 0xFF00_0000;
                    return true;
                case R.InitialCount:
                    _timer.WriteInitialCount(low);
                    return true;
                case R.DivideConfiguration:
                    _timer.WriteDivideConfiguration(low);
                    return true;
                case R.SelfIpi:
                    if (!x2 || value > 0xFF)
                        return false;
                    SendToSelf((byte)value, false);
                    return true;
                default:
                    return false;
            }
        }

        private void WriteLvt(int lvt, uint value)
        {
            value &= R.LvtWritable(lvt);
            if (!SoftwareEnabled)
                value |= R.Masked; // a software-disabled APIC keeps every LVT entry masked
            _lvt[lvt] = value;
            if (lvt == R.Timer)
                _timer.SetMode(TimerModeOf(value));
        }

        private void WriteSpuriousInterruptVector(uint value)
        {
            _svr = value & R.SpuriousWritable;
            if (SoftwareEnabled)
                return;
            for (int i = 0; i < R.LvtCount; i++)
                _lvt[i] |= R.Masked;
        }

        // The highest in-service vector is done; a level-triggered one is broadcast to the I/O APIC.
        private void EndOfInterrupt()
        {
            int vector = _interrupts.EndOfInterrupt();
            if (vector >= 0 && _interrupts.LevelTriggered.Contains(vector))
                EoiListener?.EndOfInterrupt((byte)vector);
        }

        // Only fixed IPIs can reach a CPU, and this is the only one.
        private void SendInterprocessorInterrupt()
        {
            uint deliveryMode = (_icrLow >> R.DeliveryModeShift) & 7;
            uint shorthand = (_icrLow >> R.DestinationShorthandShift) & 3;
            bool toSelf;
            if (shorthand == R.ShorthandNone)
                toSelf = MatchesDestination(_mode == LocalApicMode.X2Apic ? _icrHigh : _icrHigh >> 24, (_icrLow & R.LogicalDestinationMode) != 0);
            else
                toSelf = shorthand == R.ShorthandSelf || shorthand == R.ShorthandAllIncludingSelf;
            if (deliveryMode != R.DeliveryModeFixed || !toSelf)
            {
                IgnoredIpiCount++;
                LastIgnoredIpi = InterruptCommand;
                return;
            }
            SendToSelf((byte)_icrLow, (_icrLow & R.LevelTriggered) != 0);
        }

        private void SendToSelf(byte vector, bool levelTriggered)
        {
            if (vector < 16)
                RecordError(R.SendIllegalVector);
            else
                Accept(vector, levelTriggered);
        }

        // An LVT source fired: its vector is requested unless the entry is masked.
        private void RaiseLocal(int lvt)
        {
            uint entry = _lvt[lvt];
            if ((entry & R.Masked) == 0)
                Accept((byte)entry, false);
        }

        // Errors accumulate until the next ESR write; each raises the LVT error vector if unmasked
        // (set directly: an illegal error vector must not report another error).
        private void RecordError(uint error)
        {
            _pendingErrors |= error;
            uint entry = _lvt[R.Error];
            byte vector = (byte)entry;
            if ((entry & R.Masked) == 0 && vector >= 16)
                _interrupts.Request(vector, false);
        }

        private ulong InterruptCommand => ((ulong)_icrHigh << 32) | _icrLow;

        private static LocalApicTimerMode TimerModeOf(uint lvtTimer)
        {
            uint mode = (lvtTimer >> R.TimerModeShift) & 3;
            return mode == 1 ? LocalApicTimerMode.Periodic : mode == 2 ? LocalApicTimerMode.TscDeadline : LocalApicTimerMode.OneShot;
        }

        // The state after reset (and after a global disable): all but the ID.
        private void ResetRegisters()
        {
            _destination.Reset();
            _svr = 0xFF;
            _esr = 0;
            _pendingErrors = 0;
            _icrLow = 0;
            _icrHigh = 0;
            for (int i = 0; i < R.LvtCount; i++)
                _lvt[i] = R.Masked;
            _interrupts.Reset();
            _timer.Reset();
        }
    }
}
