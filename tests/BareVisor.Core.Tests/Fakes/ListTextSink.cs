// Host test code. Collects the lines written to an ITextSink.
using System;
using System.Collections.Generic;
using BareVisor.Core.Text;

namespace BareVisor.Core.Tests.Fakes
{
    public struct ListTextSink : ITextSink
    {
        public readonly List<string> Lines;

        public ListTextSink(List<string> lines) { Lines = lines; }

        public void Line(ReadOnlySpan<char> text) => Lines.Add(new string(text));
    }
}
