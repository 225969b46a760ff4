// Pure logic; no hardware. Where multi-line diagnostics (a VMCS dump, a report) go: the kernel's
// console, or a list in tests. Implementations used from VMX root must not allocate or block.
using System;

namespace BareVisor.Core.Text
{
    public interface ITextSink
    {
        /// <summary>One line of text, without a line terminator; only valid during the call.</summary>
        void Line(ReadOnlySpan<char> text);
    }
}
