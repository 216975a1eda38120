using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace Ally.FakeServers.Infrastructure;

/// <summary>One request as a fake received it (<c>GET /_fake/requests</c>).</summary>
internal sealed record RecordedRequest(
    string Method,
    string Path,
    string Query,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    string Body);

/// <summary>
/// Records every request outside <c>/_fake/</c> before any handler runs, so tests can assert on
/// what Ally sent (headers, body, how many retries) even when the fake then fails or aborts it.
/// The body is read once here and handed to the handlers, which must use <see cref="ReadBodyAsync"/>.
/// </summary>
internal sealed class RequestRecorder
{
    private static readonly object BodyKey = new();
    private readonly object _gate = new();
    private readonly List<RecordedRequest> _requests = [];

    /// <summary>The request body as bytes (read by the middleware for recorded requests).</summary>
    public static async ValueTask<byte[]> ReadBodyAsync(HttpContext context)
    {
        if (context.Items.TryGetValue(BodyKey, out var cached) && cached is byte[] bytes)
        {
            return bytes;
        }

        bytes = await ReadAllAsync(context).ConfigureAwait(false);
        context.Items[BodyKey] = bytes;
        return bytes;
    }

    /// <summary>Middleware: records, then passes the request on.</summary>
    public async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        if (!context.Request.Path.StartsWithSegments(Control.Prefix, StringComparison.OrdinalIgnoreCase))
        {
            var body = await ReadBodyAsync(context).ConfigureAwait(false);
            var headers = new List<KeyValuePair<string, string>>(context.Request.Headers.Count);
            foreach (var header in context.Request.Headers)
            {
                headers.Add(new(header.Key, header.Value.ToString()));
            }

            var request = new RecordedRequest(
                context.Request.Method,
                context.Request.PathBase.Add(context.Request.Path).Value ?? "/",
                context.Request.QueryString.Value ?? string.Empty,
                headers,
                Encoding.UTF8.GetString(body));
            lock (_gate)
            {
                _requests.Add(request);
            }
        }

        await next().ConfigureAwait(false);
    }

    public IReadOnlyList<RecordedRequest> Snapshot()
    {
        lock (_gate)
        {
            return _requests.ToArray();
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _requests.Clear();
        }
    }

    /// <summary>Writes the recorded requests as the JSON array <c>GET /_fake/requests</c> returns.</summary>
    public void WriteTo(Utf8JsonWriter w)
    {
        w.WriteStartArray();
        foreach (var request in Snapshot())
        {
            w.WriteStartObject();
            w.WriteString("method", request.Method);
            w.WriteString("path", request.Path);
            w.WriteString("query", request.Query);
            w.WriteStartObject("headers");
            foreach (var (name, value) in request.Headers)
            {
                w.WriteString(name, value);
            }

            w.WriteEndObject();
            w.WriteString("body", request.Body);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static async Task<byte[]> ReadAllAsync(HttpContext context)
    {
        var length = context.Request.ContentLength;
        using var buffer = length is > 0 and < int.MaxValue ? new MemoryStream((int)length) : new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        return buffer.ToArray();
    }
}
