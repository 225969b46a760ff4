// Integer math helpers with the BCL's signatures. Runs anywhere.
namespace System
{
    public static class Math
    {
        public static int Min(int a, int b) => a < b ? a : b;
        public static uint Min(uint a, uint b) => a < b ? a : b;
        public static long Min(long a, long b) => a < b ? a : b;
        public static ulong Min(ulong a, ulong b) => a < b ? a : b;
        public static int Max(int a, int b) => a > b ? a : b;
        public static uint Max(uint a, uint b) => a > b ? a : b;
        public static long Max(long a, long b) => a > b ? a : b;
        public static ulong Max(ulong a, ulong b) => a > b ? a : b;
        public static int Abs(int value) => value < 0 ? -value : value;
        public static long Abs(long value) => value < 0 ? -value : value;

        // Checked floating-point conversions: ILC requires them by name.
        internal static int ConvertToInt32Checked(double value) =>
            value > -2147483649.0 && value < 2147483648.0 ? (int)value : throw new OverflowException();

        internal static uint ConvertToUInt32Checked(double value) =>
            value > -1.0 && value < 4294967296.0 ? (uint)value : throw new OverflowException();

        internal static long ConvertToInt64Checked(double value) =>
            value >= -9223372036854775808.0 && value < 9223372036854775808.0 ? (long)value : throw new OverflowException();

        internal static ulong ConvertToUInt64Checked(double value) =>
            value > -1.0 && value < 18446744073709551616.0 ? (ulong)value : throw new OverflowException();
    }
}
