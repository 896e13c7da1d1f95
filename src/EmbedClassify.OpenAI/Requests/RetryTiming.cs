using System.Globalization;

namespace EmbedClassify.OpenAI;

/// <summary>Computes how long to wait before retrying a request.</summary>
internal static class RetryTiming
{
    /// <summary>
    /// Reads the wait a server asked for: <c>retry-after-ms</c> (milliseconds, sent by OpenAI and Azure OpenAI) wins over
    /// <c>Retry-After</c> (whole seconds or an HTTP-date, RFC 9110 §10.2.3).
    /// </summary>
    /// <returns>The wait, never negative, or <see langword="null"/> when neither header holds a usable value.</returns>
    public static TimeSpan? ParseServerDelay(string? retryAfterMs, string? retryAfter, DateTimeOffset now)
    {
        if (double.TryParse(retryAfterMs, NumberStyles.Float, CultureInfo.InvariantCulture, out double ms) && double.IsFinite(ms) && ms >= 0)
        {
            return TimeSpan.FromMilliseconds(Math.Min(ms, int.MaxValue));
        }

        if (string.IsNullOrWhiteSpace(retryAfter))
        {
            return null;
        }

        retryAfter = retryAfter.Trim();
        if (double.TryParse(retryAfter, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && double.IsFinite(seconds))
        {
            return seconds <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Min(seconds, int.MaxValue / 1000.0));
        }

        if (DateTimeOffset.TryParseExact(retryAfter, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset date))
        {
            TimeSpan wait = date - now;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    /// <summary>
    /// Computes the exponential backoff before retry number <paramref name="retry"/> (0 for the first retry): half of
    /// <c>min(max, base × 2^retry)</c> is fixed and half is random, so clients that failed together spread out.
    /// </summary>
    public static TimeSpan Backoff(int retry, TimeSpan baseDelay, TimeSpan maxDelay, double random01)
    {
        double ceiling = Math.Min(maxDelay.TotalMilliseconds, baseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(retry, 30)));
        return TimeSpan.FromMilliseconds((ceiling / 2) + (ceiling / 2 * random01));
    }
}
