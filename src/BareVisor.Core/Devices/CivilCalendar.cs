// Proleptic Gregorian calendar arithmetic on day numbers (days since 1970-01-01), for the RTC.
// Howard Hinnant's days_from_civil / civil_from_days algorithms, integer-only. Pure logic; runs
// anywhere; never allocates.
namespace BareVisor.Core.Devices
{
    public static class CivilCalendar
    {
        public const long SecondsPerDay = 86400;

        /// <summary>Days since 1970-01-01 of the date; month 1-12, day from 1 (larger days run on into later months).</summary>
        public static long DaysFromCivil(long year, int month, int day)
        {
            if (month <= 2)
                year--;
            long era = (year >= 0 ? year : year - 399) / 400;
            long yearOfEra = year - era * 400;                                      // [0, 399]
            long dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
            long dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
            return era * 146097 + dayOfEra - 719468;
        }

        public static void CivilFromDays(long days, out long year, out int month, out int day)
        {
            days += 719468;
            long era = (days >= 0 ? days : days - 146096) / 146097;
            long dayOfEra = days - era * 146097;                                    // [0, 146096]
            long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365;
            long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
            long monthIndex = (5 * dayOfYear + 2) / 153;                            // March is 0
            day = (int)(dayOfYear - (153 * monthIndex + 2) / 5 + 1);
            month = (int)(monthIndex < 10 ? monthIndex + 3 : monthIndex - 9);
            year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
        }

        /// <summary>0 for Sunday through 6 for Saturday.</summary>
        public static int DayOfWeek(long days)
        {
            long weekday = (days + 4) % 7; // 1970-01-01 was a Thursday
            return (int)(weekday < 0 ? weekday + 7 : weekday);
        }
    }
}
