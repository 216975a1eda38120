using System;
using System.IO.Pipelines;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Ally.FakeServers.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Ally.FakeServers.Ollama;

/// <summary>
/// Writes newline-delimited JSON straight into the response pipe and flushes after every line, so
/// each chunk leaves the server on its own, as Ollama's <c>c.Stream</c> does. One reusable
/// <see cref="Utf8JsonWriter"/> per stream keeps a 20,000-chunk answer allocation-light.
/// </summary>
internal sealed class NdjsonWriter : IDisposable
{
    private readonly PipeWriter _pipe;
    private readonly Utf8JsonWriter _json;

    /// <summary>Sets the stream's status and content type; call before anything is written.</summary>
    public NdjsonWriter(HttpResponse response)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = FakeJson.NdjsonContentType;
        _pipe = response.BodyWriter;
        _json = new Utf8JsonWriter(_pipe, FakeJson.WriterOptions);
    }

    /// <summary>The writer for the next line's JSON object.</summary>
    public Utf8JsonWriter Json => _json;

    /// <summary>Whether any line went out (after that, errors can only be reported in-band).</summary>
    public bool HasWritten { get; private set; }

    /// <summary>Ends the current line and flushes it to the client.</summary>
    /// <returns><c>false</c> when the client is gone and writing should stop.</returns>
    public async ValueTask<bool> EndLineAsync(CancellationToken cancellationToken)
    {
        _json.Flush();
        var span = _pipe.GetSpan(1);
        span[0] = (byte)'\n';
        _pipe.Advance(1);
        _json.Reset(_pipe);
        HasWritten = true;
        var result = await _pipe.FlushAsync(cancellationToken).ConfigureAwait(false);
        return !result.IsCanceled && !result.IsCompleted;
    }

    /// <summary>Writes <c>{"error":"…"}</c> as a line: how Ollama reports a failure once streaming has begun.</summary>
    public ValueTask<bool> WriteErrorLineAsync(string message, CancellationToken cancellationToken)
    {
        _json.WriteStartObject();
        _json.WriteString("error", message);
        _json.WriteEndObject();
        return EndLineAsync(cancellationToken);
    }

    /// <summary>Writes <paramref name="text"/> as one line as it is (a malformed line has to be written by hand).</summary>
    public async ValueTask<bool> WriteRawLineAsync(string text, CancellationToken cancellationToken)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text + "\n");
        await _pipe.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        HasWritten = true;
        var result = await _pipe.FlushAsync(cancellationToken).ConfigureAwait(false);
        return !result.IsCanceled && !result.IsCompleted;
    }

    public void Dispose() => _json.Dispose();
}
