using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace Ally.FakeServers.Proxy;

/// <summary>
/// A forward HTTP proxy on 127.0.0.1 for the network tests: absolute-form requests
/// (<c>GET http://127.0.0.1:PORT/path</c>) are forwarded to their target, <c>CONNECT host:port</c>
/// opens a tunnel (for https), and with <c>--proxy-auth user:password</c> a request without that
/// <c>Proxy-Authorization: Basic</c> answers 407. It only ever connects to loopback targets
/// (anything else answers 403), and records every request that reached it. Its own requests, in
/// origin form: <c>GET /_proxy/requests</c> (the records as JSON) and <c>POST /_proxy/reset</c>.
/// </summary>
internal sealed class FakeProxy
{
    private const int MaxHead = 64 * 1024;
    private readonly TcpListener _listener;
    private readonly string? _expectedAuthorization;
    private readonly ConcurrentQueue<ProxyRecord> _records = new();

    public FakeProxy(int port, string? credentials)
    {
        _listener = new TcpListener(IPAddress.Loopback, port);
        _expectedAuthorization = credentials is null ? null : "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials));
    }

    /// <summary>The bound port.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>One request the proxy saw: its method, target, whether it was authorized, and what came of it.</summary>
    private sealed record ProxyRecord(string Method, string Target, bool HadCredentials, bool Authorized, int Status);

    /// <summary>Starts listening; serves until <paramref name="stopping"/> is cancelled.</summary>
    public void Start(CancellationToken stopping)
    {
        _listener.Start();
        _ = Task.Run(async () =>
        {
            using var registration = stopping.Register(_listener.Stop);
            while (!stopping.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(stopping).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
                {
                    return;
                }

                _ = Task.Run(() => ServeAsync(client, stopping), stopping);
            }
        }, stopping);
    }

    private async Task ServeAsync(TcpClient client, CancellationToken stopping)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var buffer = new List<byte>();
                while (true)
                {
                    var head = await ReadHeadAsync(stream, buffer, stopping).ConfigureAwait(false);
                    if (head is null)
                    {
                        return;
                    }

                    if (!await HandleAsync(stream, head, buffer, stopping).ConfigureAwait(false))
                    {
                        return;
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The client or the target went away: nothing to report.
            }
        }
    }

    /// <summary>Handles one request; true when the client connection stays open for another.</summary>
    private async Task<bool> HandleAsync(NetworkStream client, RequestHead head, List<byte> leftover, CancellationToken stopping)
    {
        if (head.Target.StartsWith("/_proxy/", StringComparison.Ordinal))
        {
            await ControlAsync(client, head).ConfigureAwait(false);
            return false;
        }

        head.Headers.TryGetValue("Proxy-Authorization", out var authorization);
        var authorized = _expectedAuthorization is null || string.Equals(authorization, _expectedAuthorization, StringComparison.Ordinal);
        if (!authorized)
        {
            _records.Enqueue(new ProxyRecord(head.Method, head.Target, authorization is not null, false, 407));
            // The body of a refused request is never read: the connection closes with the answer.
            await WriteAsync(client, "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"ally-fake-proxy\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                .ConfigureAwait(false);
            return false;
        }

        if (head.Method == "CONNECT")
        {
            var (host, port) = SplitAuthority(head.Target, 443);
            if (!IsLoopback(host))
            {
                _records.Enqueue(new ProxyRecord(head.Method, head.Target, authorization is not null, true, 403));
                await WriteAsync(client, "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").ConfigureAwait(false);
                return false;
            }

            using var target = new TcpClient();
            await target.ConnectAsync(host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(host.Trim('[', ']')), port, stopping).ConfigureAwait(false);
            _records.Enqueue(new ProxyRecord(head.Method, head.Target, authorization is not null, true, 200));
            await WriteAsync(client, "HTTP/1.1 200 Connection established\r\n\r\n").ConfigureAwait(false);
            await PipeAsync(client, target.GetStream(), leftover, stopping).ConfigureAwait(false);
            return false;
        }

        if (!Uri.TryCreate(head.Target, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
        {
            _records.Enqueue(new ProxyRecord(head.Method, head.Target, authorization is not null, true, 400));
            await WriteAsync(client, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").ConfigureAwait(false);
            return false;
        }

        if (!IsLoopback(uri.Host))
        {
            _records.Enqueue(new ProxyRecord(head.Method, head.Target, authorization is not null, true, 403));
            await WriteAsync(client, "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").ConfigureAwait(false);
            return false;
        }

        using (var target = new TcpClient())
        {
            await target.ConnectAsync(uri.Host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(uri.Host.Trim('[', ']')), uri.Port, stopping).ConfigureAwait(false);
            _records.Enqueue(new ProxyRecord(head.Method, head.Target, authorization is not null, true, 0));
            // Origin form to the target, without the proxy's own headers; one request per connection keeps the forwarding simple.
            var forwarded = new StringBuilder();
            forwarded.Append(head.Method).Append(' ').Append(uri.PathAndQuery).Append(' ').Append(head.Version).Append("\r\n");
            foreach (var (name, value) in head.HeaderList)
            {
                if (name.Equals("Proxy-Authorization", StringComparison.OrdinalIgnoreCase) || name.Equals("Proxy-Connection", StringComparison.OrdinalIgnoreCase)
                    || name.Equals("Connection", StringComparison.OrdinalIgnoreCase) || name.Equals("Keep-Alive", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                forwarded.Append(name).Append(": ").Append(value).Append("\r\n");
            }

            forwarded.Append("Connection: close\r\n\r\n");
            var targetStream = target.GetStream();
            await WriteAsync(targetStream, forwarded.ToString()).ConfigureAwait(false);
            await PipeAsync(client, targetStream, leftover, stopping).ConfigureAwait(false);
        }

        return false;
    }

    /// <summary>Copies both ways until the target closes (the client's side ends with it).</summary>
    private static async Task PipeAsync(NetworkStream client, NetworkStream target, List<byte> leftover, CancellationToken stopping)
    {
        if (leftover.Count > 0)
        {
            await target.WriteAsync(leftover.ToArray(), stopping).ConfigureAwait(false);
            leftover.Clear();
        }

        using var done = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var up = Task.Run(async () =>
        {
            try
            {
                await client.CopyToAsync(target, done.Token).ConfigureAwait(false);
                target.Socket.Shutdown(SocketShutdown.Send);
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
        }, stopping);
        try
        {
            await target.CopyToAsync(client, stopping).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
        }

        client.Socket.Shutdown(SocketShutdown.Both);
        done.Cancel();
        await up.ConfigureAwait(false);
    }

    private async Task ControlAsync(NetworkStream client, RequestHead head)
    {
        string body;
        if (head.Target.StartsWith("/_proxy/reset", StringComparison.Ordinal))
        {
            _records.Clear();
            body = "{}";
        }
        else if (head.Target.StartsWith("/_proxy/requests", StringComparison.Ordinal))
        {
            body = JsonSerializer.Serialize(_records.Select(r => new Dictionary<string, object>
            {
                ["method"] = r.Method,
                ["target"] = r.Target,
                ["hadCredentials"] = r.HadCredentials,
                ["authorized"] = r.Authorized,
                ["status"] = r.Status,
            }).ToArray());
        }
        else
        {
            await WriteAsync(client, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").ConfigureAwait(false);
            return;
        }

        var bytes = Encoding.UTF8.GetByteCount(body);
        await WriteAsync(client, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + bytes.ToString(CultureInfo.InvariantCulture)
            + "\r\nConnection: close\r\n\r\n" + body).ConfigureAwait(false);
    }

    private static bool IsLoopback(string host)
    {
        host = host.Trim('[', ']');
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
    }

    private static (string Host, int Port) SplitAuthority(string authority, int defaultPort)
    {
        var colon = authority.LastIndexOf(':');
        if (colon > 0 && authority.IndexOf(']', StringComparison.Ordinal) < colon &&
            int.TryParse(authority.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            return (authority[..colon], port);
        }

        return (authority, defaultPort);
    }

    private static Task WriteAsync(Stream stream, string text) => stream.WriteAsync(Encoding.UTF8.GetBytes(text)).AsTask();

    /// <summary>Reads up to the blank line; bytes read past it stay in <paramref name="buffer"/>. Null at end of stream.</summary>
    private static async Task<RequestHead?> ReadHeadAsync(NetworkStream stream, List<byte> buffer, CancellationToken stopping)
    {
        var chunk = new byte[4096];
        while (true)
        {
            var end = IndexOfBlankLine(buffer);
            if (end >= 0)
            {
                var text = Encoding.ASCII.GetString(buffer.GetRange(0, end).ToArray());
                buffer.RemoveRange(0, end + 4);
                return RequestHead.Parse(text);
            }

            if (buffer.Count > MaxHead)
            {
                return null;
            }

            var read = await stream.ReadAsync(chunk, stopping).ConfigureAwait(false);
            if (read == 0)
            {
                return null;
            }

            buffer.AddRange(chunk.AsSpan(0, read).ToArray());
        }
    }

    private static int IndexOfBlankLine(List<byte> buffer)
    {
        for (var i = 0; i + 3 < buffer.Count; i++)
        {
            if (buffer[i] == '\r' && buffer[i + 1] == '\n' && buffer[i + 2] == '\r' && buffer[i + 3] == '\n')
            {
                return i;
            }
        }

        return -1;
    }

    private sealed class RequestHead
    {
        public string Method { get; private init; } = string.Empty;
        public string Target { get; private init; } = string.Empty;
        public string Version { get; private init; } = "HTTP/1.1";
        public List<(string Name, string Value)> HeaderList { get; } = [];
        public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

        public static RequestHead? Parse(string text)
        {
            var lines = text.Split("\r\n");
            var parts = lines[0].Split(' ');
            if (parts.Length != 3)
            {
                return null;
            }

            var head = new RequestHead { Method = parts[0], Target = parts[1], Version = parts[2] };
            foreach (var line in lines.Skip(1))
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon <= 0)
                {
                    continue;
                }

                var name = line[..colon].Trim();
                var value = line[(colon + 1)..].Trim();
                head.HeaderList.Add((name, value));
                head.Headers[name] = value;
            }

            return head;
        }
    }
}
