using System;
using System.Globalization;

namespace Ally
{
    /// <summary>
    /// How model facts read in tables and progress bars: sizes in decimal units as Ollama shows
    /// them (4.9 GB), where a model runs (100% GPU), when it unloads, prices per million tokens.
    /// </summary>
    public static class ModelFormat
    {
        private static readonly string[] Units = { "B", "KB", "MB", "GB", "TB", "PB" };

        /// <summary>A byte count the way <c>ollama list</c> shows it: 4.9 GB, 274 MB, 43 GB, 512 B.</summary>
        public static string Bytes(long bytes)
        {
            if (bytes < 0) return "-" + Bytes(-bytes);
            double value = bytes;
            int unit = 0;
            while (value >= 1000 && unit < Units.Length - 1)
            {
                value /= 1000;
                unit++;
            }
            if (unit == 0) return bytes.ToString(CultureInfo.InvariantCulture) + " B";
            // One decimal below 10 (4.9 GB), whole numbers above (43 GB), as Ollama's format.HumanBytes.
            string number = value < 10 ? (Math.Floor(value * 10) / 10).ToString("0.0", CultureInfo.InvariantCulture)
                : Math.Floor(value).ToString("0", CultureInfo.InvariantCulture);
            return number + " " + Units[unit];
        }

        /// <summary>Bytes of a download so far: "1.2 GB of 4.9 GB", or "1.2 GB" when the total is unknown.</summary>
        public static string Transfer(long completed, long? total) =>
            total is long t && t > 0 ? Messages.TransferOf(Bytes(completed), Bytes(t)) : Bytes(completed);

        /// <summary>Where a loaded model runs, as <c>ollama ps</c> shows it: 100% GPU, 100% CPU, 25%/75% CPU/GPU.</summary>
        public static string Processor(long size, long sizeVram)
        {
            if (size <= 0 || sizeVram <= 0) return "100% CPU";
            if (sizeVram >= size) return "100% GPU";
            int gpu = (int)Math.Round(sizeVram * 100.0 / size);
            return string.Format(CultureInfo.InvariantCulture, "{0}%/{1}% CPU/GPU", 100 - gpu, gpu);
        }

        /// <summary>When a loaded model unloads, from now: "4 minutes from now", "Forever".</summary>
        public static string Until(DateTimeOffset? expiresAt) => Until(expiresAt, DateTimeOffset.Now);

        /// <summary>When a loaded model unloads, relative to <paramref name="now"/>: "4 minutes from now", "Forever", "Stopping...".</summary>
        public static string Until(DateTimeOffset? expiresAt, DateTimeOffset now)
        {
            if (expiresAt is null) return string.Empty;
            TimeSpan left = expiresAt.Value - now;
            if (left <= TimeSpan.Zero) return Messages.Unloading;
            // keep_alive -1 gives an expiry centuries away.
            if (left > TimeSpan.FromDays(365 * 100)) return Messages.Forever;
            if (left < TimeSpan.FromMinutes(1)) return Messages.FromNow((int)left.TotalSeconds, "second");
            if (left < TimeSpan.FromHours(1)) return Messages.FromNow((int)left.TotalMinutes, "minute");
            if (left < TimeSpan.FromDays(1)) return Messages.FromNow((int)left.TotalHours, "hour");
            return Messages.FromNow((int)left.TotalDays, "day");
        }

        /// <summary>A price in US dollars per million tokens: $30, $0.15, free; "variable" when unknown.</summary>
        public static string Price(decimal? perMillion)
        {
            if (perMillion is null) return Messages.PriceVariable;
            if (perMillion.Value == 0m) return Messages.PriceFree;
            decimal rounded = perMillion.Value >= 1 ? Math.Round(perMillion.Value, 2) : Math.Round(perMillion.Value, 4);
            return "$" + rounded.ToString(rounded == Math.Truncate(rounded) ? "0" : "0.00##", CultureInfo.InvariantCulture);
        }

        /// <summary>A text on one line, cut to <paramref name="max"/> characters (an embedding's or a search result's text in a table).</summary>
        public static string Excerpt(string? text, int max) => Messages.Excerpt(text, max);

        /// <summary>A context length in tokens: 131,072; empty when unknown.</summary>
        public static string Tokens(int? tokens) => tokens is int t ? t.ToString("N0", CultureInfo.InvariantCulture) : string.Empty;

        /// <summary>
        /// An OpenRouter price string (US dollars per token, e.g. "0.00003") as dollars per million
        /// tokens (30). Null for a missing, unreadable or negative value: OpenRouter marks prices that
        /// vary per request (its auto router) with "-1".
        /// </summary>
        internal static decimal? PerMillionTokens(string? perToken)
        {
            if (string.IsNullOrWhiteSpace(perToken)) return null;
            if (!decimal.TryParse(perToken, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal value) || value < 0) return null;
            // Normalise away trailing zeros (30.000000 → 30) so the value prints as it reads.
            return Math.Round(value * 1_000_000m, 6) / 1.000000000000m;
        }
    }
}
