using System;
using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace Ally.FakeServers.Infrastructure;

/// <summary>
/// JSON writing shared by every fake. Responses are written by hand with <see cref="Utf8JsonWriter"/>
/// rather than serialised from DTOs: the wire shape (field order, omitted fields) is what the tests
/// are about, so it should be visible in the code that writes it, and it keeps the hot path free of
/// reflection.
/// </summary>
internal static class FakeJson
{
    /// <summary>
    /// Go's encoding/json (which Ollama uses) writes quotes as <c>\"</c>, apostrophes and non-ASCII
    /// text as they are. The relaxed encoder does the same, so error texts such as
    /// <c>model 'x' not found</c> appear verbatim on the wire, where a test may match them.
    /// (Go additionally escapes <c>&lt; &gt; &amp;</c>; no JSON reader can tell the difference.)
    /// </summary>
    public static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    public static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = Encoder,
        Indented = false,
        // The writers below produce well-formed JSON by construction; validation only costs time.
        SkipValidation = true,
    };

    public static readonly JsonDocumentOptions DocumentOptions = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = 256,
    };

    /// <summary>Content type gin's <c>c.JSON</c> writes; Ollama answers every plain JSON response with it.</summary>
    public const string GinJsonContentType = "application/json; charset=utf-8";

    /// <summary>Content type of Ollama's streams (server/routes.go <c>streamResponse</c>).</summary>
    public const string NdjsonContentType = "application/x-ndjson";

    /// <summary>Writes one JSON document as the whole response.</summary>
    public static async Task WriteAsync(HttpContext context, int status, Action<Utf8JsonWriter> write,
        string contentType = GinJsonContentType)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(writer);
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        context.Response.ContentLength = buffer.WrittenCount;
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>One JSON document as text (to be cut by <see cref="ConnectionFaults.CutJson"/>).</summary>
    public static string ToJsonString(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Writes <c>{"error":"…"}</c>, the error shape shared by Ollama and the control API.</summary>
    public static Task WriteErrorAsync(HttpContext context, int status, string message,
        string contentType = GinJsonContentType) =>
        WriteAsync(context, status, w =>
        {
            w.WriteStartObject();
            w.WriteString("error", message);
            w.WriteEndObject();
        }, contentType);

    /// <summary>Writes a text response as it is (Ollama's <c>GET /</c>, gin's 404 page, a cut-off JSON answer).</summary>
    public static async Task WriteTextAsync(HttpContext context, int status, string text,
        string contentType = "text/plain; charset=utf-8")
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>
    /// RFC 3339 with nanosecond-style precision in UTC, as Go marshals <c>time.Now().UTC()</c>:
    /// trailing zeros of the fraction are dropped and the zone is <c>Z</c>.
    /// </summary>
    public static void WriteUtcTimestamp(Utf8JsonWriter writer, JsonEncodedText name, DateTime utc)
    {
        Span<char> chars = stackalloc char[40];
        utc.TryFormat(chars, out var written, "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
        writer.WriteString(name, chars[..written]);
    }

    /// <summary>
    /// RFC 3339 with a numeric offset, as Go marshals a local <c>time.Time</c>: a zero offset is
    /// written <c>Z</c>, any other as <c>±hh:mm</c>.
    /// </summary>
    public static string FormatRfc3339(DateTimeOffset value)
    {
        var text = value.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);
        if (value.Offset == TimeSpan.Zero)
        {
            return text + "Z";
        }

        return text + value.ToString("zzz", CultureInfo.InvariantCulture);
    }

    /// <summary>Case-insensitive property lookup, preferring an exact match, like Go's decoder.</summary>
    public static bool TryGetProperty(JsonElement obj, string name, out JsonElement value)
    {
        if (obj.ValueKind != JsonValueKind.Object)
        {
            value = default;
            return false;
        }

        if (obj.TryGetProperty(name, out value))
        {
            return true;
        }

        foreach (var property in obj.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>The name Go's decoder uses for a JSON value kind in "cannot unmarshal X" errors.</summary>
    public static string GoKindName(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "bool",
        _ => "null",
    };
}
