// Host test code. Per-reason exit counters and the report printed when a guest ends; the
// ReportedOnce memory that keeps a guest from flooding the console.
using System;
using BareVisor.Core.Vmx;
using BareVisor.Core.Vmx.Exits;

namespace BareVisor.Core.Tests.Vmx.Exits
{
    public class ExitCountersTests
    {
        [Fact]
        public void NoExitsDescribeAsNone()
        {
            ExitCounters counters = ExitCounters.Create();
            Assert.Equal("none", counters.Describe());
            Assert.Equal(0UL, counters.Total());
        }

        [Fact]
        public void DescribeListsReasonsInReasonOrderWithCounts()
        {
            ExitCounters counters = ExitCounters.Create();
            counters.Count((ushort)ExitReason.Vmcall);
            for (int i = 0; i < 120; i++)
                counters.Count((ushort)ExitReason.IoInstruction);
            for (int i = 0; i < 3; i++)
                counters.Count((ushort)ExitReason.Cpuid);
            Assert.Equal("Cpuid 3, Vmcall 1, IoInstruction 120", counters.Describe());
            Assert.Equal(124UL, counters.Total());
        }

        [Fact]
        public void AReasonWithoutANameIsDescribedByNumber()
        {
            ExitCounters counters = ExitCounters.Create();
            counters.Count(35);
            counters.Count(35);
            counters.Count((ushort)ExitReason.Hlt);
            Assert.Equal("Hlt 1, reason 35 2", counters.Describe());
        }

        [Fact]
        public void ReasonsBeyondTheTableAreIgnored()
        {
            ExitCounters counters = ExitCounters.Create();
            counters.Count(ExitCounters.MaxReasons);
            counters.Count(ushort.MaxValue);
            Assert.Equal(0UL, counters.Total());
            Assert.Equal(0UL, counters[(ExitReason)ushort.MaxValue]);
            Assert.Equal("none", counters.Describe());
        }

        [Fact]
        public void ACopyCountsIntoTheSameTable()
        {
            // The kernel hands its Vcpu's counters out by value before the run loop: copies must share counts.
            ExitCounters counters = ExitCounters.Create();
            ExitCounters copy = counters;
            copy.Count((ushort)ExitReason.Hlt);
            Assert.Equal(1UL, counters[ExitReason.Hlt]);
        }

        [Fact]
        public void AHugeReportIsCutShortRatherThanOverflowing()
        {
            ExitCounters counters = ExitCounters.Create();
            for (ushort reason = 0; reason < ExitCounters.MaxReasons; reason++)
            {
                for (int i = 0; i < 3; i++)
                    counters.Count(reason);
            }
            string text = counters.Describe();
            Assert.StartsWith("ExceptionOrNmi 3, ExternalInterrupt 3, ", text);
            Assert.True(text.Length <= 1024);
            Assert.Equal(3UL * ExitCounters.MaxReasons, counters.Total());
        }

        [Fact]
        public void APortIsReportedOnlyTheFirstTime()
        {
            ReportedOnce reported = new ReportedOnce();
            Assert.True(reported.First(ReportedEvent.Port, 0x3F8));
            Assert.False(reported.First(ReportedEvent.Port, 0x3F8));
            Assert.True(reported.First(ReportedEvent.Port, 0x3F9));
            Assert.True(reported.First(ReportedEvent.Port, 0));
            Assert.True(reported.First(ReportedEvent.Port, 0xFFFF));
            Assert.False(reported.First(ReportedEvent.Port, 0xFFFF));
        }

        [Fact]
        public void AnMsrIsReportedOnlyTheFirstTimeAndPortsAndMsrsAreSeparate()
        {
            ReportedOnce reported = new ReportedOnce();
            Assert.True(reported.First(ReportedEvent.Msr, 0x80));
            Assert.False(reported.First(ReportedEvent.Msr, 0x80));
            Assert.True(reported.First(ReportedEvent.Port, 0x80));
            Assert.True(reported.First(ReportedEvent.Msr, 0xC0000080));
            Assert.False(reported.First(ReportedEvent.Msr, 0xC0000080));
        }

        [Fact]
        public void EveryPortHasItsOwnBit()
        {
            ReportedOnce reported = new ReportedOnce();
            for (uint port = 0; port <= 0xFFFF; port++)
                Assert.True(reported.First(ReportedEvent.Port, port));
            for (uint port = 0; port <= 0xFFFF; port += 0x101)
                Assert.False(reported.First(ReportedEvent.Port, port));
        }
    }
}
