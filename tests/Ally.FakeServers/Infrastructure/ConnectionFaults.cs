using System;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;

namespace Ally.FakeServers.Infrastructure;

/// <summary>
/// Faults below the providers' protocols, shared by every face: a queued <c>failNext</c> entry
/// (the provider's own error, a proxy's HTML page, or a connection dropped before any answer),
/// the connection closed after a streamed answer (<c>closeAfterStream</c>) and the malformed line
/// of <c>malformedAfterChunks</c>.
/// </summary>
internal static class ConnectionFaults
{
    /// <summary>What the proxy in front of a server calls itself on its error pages.</summary>
    public const string ProxyServer = "nginx/1.24.0";

    /// <summary>
    /// Takes the first queued failure for <paramref name="path"/> and answers the request with it.
    /// </summary>
    /// <param name="context">The request.</param>
    /// <param name="behavior">Where the queue lives.</param>
    /// <param name="path">The path the entry must name (usually the request's).</param>
    /// <param name="writeProviderError">Writes a plain status entry in the face's own error shape.</param>
    /// <returns><c>true</c> when a failure was applied and the request is finished.</returns>
    public static async Task<bool> TryFailAsync(HttpContext context, BehaviorStore behavior, string path,
        Func<FailNextEntry, Task> writeProviderError)
    {
        if (behavior.TakeFailure(path) is not { } failure)
        {
            return false;
        }

        switch (failure.Kind)
        {
            case FailNextKind.Reset:
                // The recorder has read the whole request (headers and body) before any handler runs, so
                // nothing is left unread: the client sees its request accepted, then the connection
                // closing without a byte of answer (curl: "Empty reply from server"; .NET: the response
                // ended prematurely), as when a pooled connection died or the server restarted.
                DropConnection(context);
                break;
            case FailNextKind.Html:
                await WriteProxyPageAsync(context, failure.Status, failure.RetryAfter).ConfigureAwait(false);
                break;
            default:
                await writeProviderError(failure).ConfigureAwait(false);
                break;
        }

        return true;
    }

    /// <summary>
    /// Closes the connection without an answer: the socket is shut down first, so the client reads
    /// an orderly end of stream (FIN) as from a server that closed or restarted, rather than
    /// Kestrel's abort, which resets the connection (RST); then the request is aborted so Kestrel
    /// writes nothing of its own.
    /// </summary>
    public static void DropConnection(HttpContext context)
    {
        try
        {
            context.Features.Get<IConnectionSocketFeature>()?.Socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already gone: the abort below is all that is left to do.
        }

        context.Abort();
    }

    /// <summary>
    /// The error page nginx answers with when it cannot reach the server behind it: <c>text/html</c>,
    /// CRLF line ends, nginx's status texts, and the padding comments nginx adds so browsers show
    /// the page instead of their own (ngx_http_special_response.c).
    /// </summary>
    public static async Task WriteProxyPageAsync(HttpContext context, int status, int? retryAfter)
    {
        var reason = ProxyReasonPhrase(status);
        var title = status.ToString(CultureInfo.InvariantCulture) + (reason.Length > 0 ? " " + reason : string.Empty);
        var page = new StringBuilder(640)
            .Append("<html>\r\n")
            .Append("<head><title>").Append(title).Append("</title></head>\r\n")
            .Append("<body>\r\n")
            .Append("<center><h1>").Append(title).Append("</h1></center>\r\n")
            .Append("<hr><center>").Append(ProxyServer).Append("</center>\r\n")
            .Append("</body>\r\n")
            .Append("</html>\r\n");
        for (var i = 0; i < 6; i++)
        {
            page.Append("<!-- a padding to disable MSIE and Chrome friendly error page -->\r\n");
        }

        var bytes = Encoding.ASCII.GetBytes(page.ToString());
        context.Response.StatusCode = status;
        if (reason.Length > 0 && context.Features.Get<IHttpResponseFeature>() is { } response)
        {
            // nginx's own status line ("503 Service Temporarily Unavailable"), not Kestrel's.
            response.ReasonPhrase = reason;
        }

        context.Response.ContentType = "text/html";
        context.Response.ContentLength = bytes.Length;
        context.Response.Headers.Server = ProxyServer;
        if (retryAfter is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        await context.Response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>
    /// Ends a streamed answer that went out completely. With <paramref name="closeConnection"/> the
    /// chunked terminator goes out and the server closes the connection right behind it, without a
    /// <c>Connection: close</c> header having warned the client, so its pooled keep-alive connection
    /// dies under it, as with llama.cpp's server (cpp-httplib writes the terminator, then closes).
    /// </summary>
    /// <remarks>
    /// The socket is corked (TCP_CORK) before the response completes, so the terminator waits in the
    /// kernel; completing waits until Kestrel has handed it over (Program sets Kestrel's socket write
    /// buffer to nothing, so a flush returns only then); the send side is then shut down, and the
    /// terminator and the FIN leave in one segment. A client that has read the end of the answer
    /// therefore also holds the end of the connection and opens a new one for its next request, as
    /// it does with llama.cpp. (Left to Kestrel's graceful close alone, the FIN came a thread hop
    /// later, and a quick client sometimes sent its next request into the dying connection.)
    /// Kestrel then closes the socket gracefully, as after any connection that is not kept alive:
    /// no reset that could destroy unread data at the client.
    /// </remarks>
    public static async Task EndStreamAsync(HttpContext context, bool closeConnection)
    {
        if (!closeConnection)
        {
            return;
        }

        var socket = context.Features.Get<IConnectionSocketFeature>()?.Socket;
        var corked = socket is not null && HttpProtocol.IsHttp11(context.Request.Protocol) && TryCork(socket);
        await context.Response.CompleteAsync().ConfigureAwait(false);
        if (corked)
        {
            try
            {
                socket!.Shutdown(SocketShutdown.Send);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                // The client is gone already.
            }
        }

        if (context.Features.Get<IConnectionLifetimeNotificationFeature>() is { } lifetime)
        {
            // Kestrel reads no further request on this connection and closes it once this response
            // is done; the headers are long gone, so nothing announces it.
            lifetime.RequestClose();
            return;
        }

        // Not Kestrel's connection feature (never expected): give the end time to leave, then drop.
        await Task.Delay(100).ConfigureAwait(false);
        context.Abort();
    }

    /// <summary>
    /// TCP_CORK on Linux, TCP_NOPUSH on macOS/FreeBSD: data written next stays in the kernel until the
    /// send side is shut down. <c>false</c> elsewhere (Windows has no such option): the FIN then
    /// follows the terminator as Kestrel's graceful close sends it.
    /// </summary>
    private static bool TryCork(Socket socket)
    {
        const int IpProtoTcp = 6;
        try
        {
            if (OperatingSystem.IsLinux())
            {
                socket.SetRawSocketOption(IpProtoTcp, 3, BitConverter.GetBytes(1)); // TCP_CORK
                return true;
            }

            if (OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD())
            {
                socket.SetRawSocketOption(IpProtoTcp, 4, BitConverter.GetBytes(1)); // TCP_NOPUSH
                return true;
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Gone or not supported: fall back to Kestrel's close.
        }

        return false;
    }

    /// <summary>
    /// A JSON text cut off inside the string value of <paramref name="property"/> (its last
    /// occurrence), keeping about half of the value: what a client sees when a line of a stream is
    /// broken. Without that property the text is cut at two thirds.
    /// </summary>
    public static string CutJson(string json, string property)
    {
        var marker = "\"" + property + "\":\"";
        var at = json.LastIndexOf(marker, StringComparison.Ordinal);
        if (at < 0)
        {
            return json[..(json.Length * 2 / 3)];
        }

        var start = at + marker.Length;
        var end = start;
        while (end < json.Length && json[end] != '"')
        {
            end += json[end] == '\\' ? 2 : 1;
        }

        var length = Math.Min(end, json.Length) - start;
        var cut = start + Math.Min(length, Math.Max(1, (length + 1) / 2));
        // Keep whole characters and escapes, so the line is broken JSON but still valid UTF-8 text.
        if (cut > start && char.IsHighSurrogate(json[cut - 1]))
        {
            cut--;
        }

        var escape = json.LastIndexOf('\\', cut - 1, cut - start);
        if (escape >= 0 && IsInsideEscape(json, escape, cut))
        {
            cut = escape;
        }

        return json[..cut];
    }

    private static bool IsInsideEscape(string json, int backslash, int cut)
    {
        if (backslash + 1 >= json.Length)
        {
            return true;
        }

        var length = json[backslash + 1] == 'u' ? 6 : 2;
        return backslash + length > cut;
    }

    /// <summary>nginx's status texts where they differ from or add to the standard ones.</summary>
    private static string ProxyReasonPhrase(int status) => status switch
    {
        401 => "Authorization Required",
        405 => "Not Allowed",
        408 => "Request Time-out",
        413 => "Request Entity Too Large",
        414 => "Request-URI Too Large",
        416 => "Requested Range Not Satisfiable",
        494 => "Request Header Or Cookie Too Large",
        503 => "Service Temporarily Unavailable",
        504 => "Gateway Time-out",
        _ => ReasonPhrases.GetReasonPhrase(status),
    };
}
