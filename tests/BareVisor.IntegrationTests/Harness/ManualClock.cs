// Host side. A TimeProvider that moves only when a test says so, for the harness's timing logic:
// it records every timer the code under test asks for (what Task.Delay and CancellationTokenSource
// create), and fires them when the test advances past their due time.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace BareVisor.IntegrationTests.Harness;

internal sealed class ManualClock : TimeProvider
{
    private static readonly DateTimeOffset Epoch = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly object gate = new();
    private readonly List<Timer> timers = [];
    private readonly List<TaskCompletionSource<TimeSpan>> created = [];
    private int timersCreated;
    private TimeSpan now;

    public override DateTimeOffset GetUtcNow() => Epoch + Now;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Now.Ticks;

    public TimeSpan Now
    {
        get { lock (gate) return now; }
    }

    /// <summary>How many timers the code under test has created so far.</summary>
    public int TimersCreated
    {
        get { lock (gate) return timersCreated; }
    }

    /// <summary>The due time the <paramref name="index"/>th timer (from 0) was created with, once the code under test has created it.</summary>
    public Task<TimeSpan> TimerCreated(int index)
    {
        lock (gate)
            return Slot(index).Task;
    }

    /// <summary>Moves the clock on and runs the callbacks of the timers that fell due.</summary>
    public void Advance(TimeSpan by)
    {
        List<Timer> due;
        lock (gate)
        {
            now += by;
            due = timers.Where(t => t.Due <= now).ToList();
            foreach (Timer timer in due)
                timers.Remove(timer);
        }
        foreach (Timer timer in due)
            timer.Fire();
    }

    public override ITimer CreateTimer(TimerCallback callback, object state, TimeSpan dueTime, TimeSpan period)
    {
        if (period != Timeout.InfiniteTimeSpan && period != TimeSpan.Zero)
            throw new NotSupportedException("the harness only makes one-shot timers");
        var timer = new Timer(this, callback, state);
        lock (gate)
        {
            timer.Schedule(dueTime);
            Slot(timersCreated++).TrySetResult(dueTime);
        }
        return timer;
    }

    // Completion sources are made on demand, by whichever comes first: the test's wait or the timer.
    private TaskCompletionSource<TimeSpan> Slot(int index)
    {
        while (created.Count <= index)
            created.Add(new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously));
        return created[index];
    }

    private sealed class Timer(ManualClock clock, TimerCallback callback, object state) : ITimer
    {
        public TimeSpan Due { get; private set; }

        // Called with the clock's lock held.
        public void Schedule(TimeSpan dueTime)
        {
            clock.timers.Remove(this);
            if (dueTime == Timeout.InfiniteTimeSpan)
                return;
            Due = clock.now + dueTime;
            clock.timers.Add(this);
        }

        public void Fire() => callback(state);

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (clock.gate)
                Schedule(dueTime);
            return true;
        }

        public void Dispose()
        {
            lock (clock.gate)
                clock.timers.Remove(this);
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
