// Pure logic; no hardware. Access rights and memory types of EPT entries (Intel SDM Vol. 3C,
// "EPT Translation Mechanism", and "Memory Types Used for EPT Paging Structures").
using System;

namespace BareVisor.Core.Vmx
{
    /// <summary>Bits 2:0 of an EPT entry. Write without Read is an EPT misconfiguration.</summary>
    [Flags]
    public enum EptAccess : uint
    {
        None = 0,
        Read = 1,
        Write = 2,
        /// <summary>Instruction fetch (supervisor-mode fetch when mode-based execute control is on).</summary>
        Execute = 4,
        ReadWrite = Read | Write,
        ReadExecute = Read | Execute,
        All = Read | Write | Execute,
    }

    /// <summary>EPT memory type: bits 5:3 of a leaf entry, bits 2:0 of the EPTP. 2, 3 and 7 are reserved.</summary>
    public enum EptMemoryType : uint
    {
        Uncacheable = 0,
        WriteCombining = 1,
        WriteThrough = 4,
        WriteProtected = 5,
        WriteBack = 6,
    }
}
