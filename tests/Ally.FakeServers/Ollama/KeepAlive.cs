using System;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Ally.FakeServers.Ollama;

/// <summary>
/// Ollama's <c>keep_alive</c> (api/types.go <c>Duration.UnmarshalJSON</c>): a number of seconds or a
/// Go duration string; any negative value means "keep loaded forever". Parsing it matters to the
/// fake because a bad value is a 400 with Go's <c>time.ParseDuration</c> message, and because
/// <c>/api/ps</c> reports the resulting <c>expires_at</c>.
/// </summary>
internal static class KeepAlive
{
    /// <summary>Ollama's default when a request gives no <c>keep_alive</c>.</summary>
    public static readonly TimeSpan Default = TimeSpan.FromMinutes(5);

    /// <summary>Stands for Go's <c>math.MaxInt64</c> nanoseconds ("forever", about 292 years).</summary>
    public static readonly TimeSpan Forever = TimeSpan.FromTicks(long.MaxValue / 100);

    /// <summary>Reads a <c>keep_alive</c> value.</summary>
    /// <returns><c>null</c> on success, else Go's error text.</returns>
    public static string? TryParse(JsonElement value, out TimeSpan duration)
    {
        duration = Default;
        switch (value.ValueKind)
        {
            case JsonValueKind.Null:
                return null;
            case JsonValueKind.Number:
                var seconds = value.GetDouble();
                duration = seconds < 0 ? Forever : TimeSpan.FromSeconds(Math.Min(seconds, Forever.TotalSeconds));
                return null;
            case JsonValueKind.String:
                var error = TryParseGoDuration(value.GetString()!, out duration);
                if (error is null && duration < TimeSpan.Zero)
                {
                    duration = Forever;
                }

                return error;
            case JsonValueKind.True:
            case JsonValueKind.False:
                return "Unsupported type: 'bool'";
            case JsonValueKind.Array:
                return "Unsupported type: '[]interface {}'";
            default:
                return "Unsupported type: 'map[string]interface {}'";
        }
    }

    /// <summary>A port of Go's <c>time.ParseDuration</c>, including its error messages.</summary>
    public static string? TryParseGoDuration(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var s = text;
        var negative = false;
        if (s.Length > 0 && s[0] is '-' or '+')
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        if (s == "0")
        {
            return null;
        }

        if (s.Length == 0)
        {
            return "time: invalid duration " + Quote(text);
        }

        double totalNanoseconds = 0;
        while (s.Length > 0)
        {
            if (!(s[0] == '.' || char.IsAsciiDigit(s[0])))
            {
                return "time: invalid duration " + Quote(text);
            }

            var i = 0;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
            }

            var integer = s[..i];
            s = s[i..];
            var fraction = string.Empty;
            if (s.Length > 0 && s[0] == '.')
            {
                s = s[1..];
                i = 0;
                while (i < s.Length && char.IsAsciiDigit(s[i]))
                {
                    i++;
                }

                fraction = s[..i];
                s = s[i..];
            }

            if (integer.Length == 0 && fraction.Length == 0)
            {
                return "time: invalid duration " + Quote(text);
            }

            i = 0;
            while (i < s.Length && s[i] != '.' && !char.IsAsciiDigit(s[i]))
            {
                i++;
            }

            var unit = s[..i];
            s = s[i..];
            if (unit.Length == 0)
            {
                return "time: missing unit in duration " + Quote(text);
            }

            double scale = unit switch
            {
                "ns" => 1,
                "us" or "\u00b5s" or "\u03bcs" => 1e3,
                "ms" => 1e6,
                "s" => 1e9,
                "m" => 60e9,
                "h" => 3600e9,
                _ => -1,
            };
            if (scale < 0)
            {
                return "time: unknown unit " + Quote(unit) + " in duration " + Quote(text);
            }

            var number = double.Parse(
                (integer.Length == 0 ? "0" : integer) + (fraction.Length == 0 ? string.Empty : "." + fraction),
                NumberStyles.Float, CultureInfo.InvariantCulture);
            totalNanoseconds += number * scale;
            if (totalNanoseconds > long.MaxValue)
            {
                return "time: invalid duration " + Quote(text);
            }
        }

        var ticks = (long)(totalNanoseconds / 100);
        duration = TimeSpan.FromTicks(negative ? -ticks : ticks);
        return null;
    }

    /// <summary>Go's <c>time</c> package quoting: double quotes, with quotes and backslashes escaped.</summary>
    private static string Quote(string s)
    {
        var builder = new StringBuilder(s.Length + 2).Append('"');
        foreach (var c in s)
        {
            if (c is '"' or '\\')
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        return builder.Append('"').ToString();
    }
}
