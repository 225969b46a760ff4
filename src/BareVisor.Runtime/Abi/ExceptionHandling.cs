// `throw` lands here. BareVisor has no unwinder: every exception is fatal and goes to the
// kernel's panic handler, which prints its type and message and powers off.
using System;
using System.Runtime;

namespace Internal.Runtime
{
    internal static class ExceptionHandling
    {
        [RuntimeExport("RhpThrowEx")]
        private static void RhpThrowEx(Exception exception) => RuntimeHost.Fail(exception);

        [RuntimeExport("RhpRethrow")]
        private static void RhpRethrow() => RuntimeHost.Fail(new InvalidOperationException("rethrow without an active exception"));

        [RuntimeExport("RhpFallbackFailFast")]
        private static void RhpFallbackFailFast() => RuntimeHost.Fail(new InvalidOperationException("runtime fail-fast"));
    }
}

namespace System
{
    public static class Environment
    {
        public static void FailFast(string message) => RuntimeHost.Fail(new InvalidOperationException(message));
    }
}
