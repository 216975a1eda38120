using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Threading.Tasks;
using Ally.FakeServers.Infrastructure;
using Ally.FakeServers.LlamaCpp;
using Ally.FakeServers.Ollama;
using Ally.FakeServers.OpenAI;
using Ally.FakeServers.OpenRouter;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ally.FakeServers;

/// <summary>
/// Entry point: <c>dotnet Ally.FakeServers.dll [--flavor ollama|llamacpp] [--port N] [--ignore-stdin]
/// [--tls-pfx FILE --tls-password TEXT] | --proxy [--proxy-auth USER:PASSWORD]</c>.
/// Binds 127.0.0.1 only, prints exactly one line <c>Listening on http://127.0.0.1:PORT/</c> (https
/// with <c>--tls-pfx</c>; <c>--proxy</c> runs <see cref="Proxy.FakeProxy"/> instead of a fake
/// provider) and runs until stdin reaches EOF (the test harness closes it, or dies), SIGTERM or Ctrl+C.
/// </summary>
internal static class Program
{
    /// <summary>Which server the process pretends to be.</summary>
    private enum Flavor
    {
        /// <summary>
        /// Ollama under <c>/api/</c>, with the OpenRouter API under <c>/api/v1/</c> and OpenAI's embeddings
        /// API under <c>/openai/v1/</c> on the same port.
        /// </summary>
        Ollama,

        /// <summary>llama.cpp's <c>llama-server</c> alone: every other path is its JSON 404.</summary>
        LlamaCpp,
    }

    public static async Task<int> Main(string[] args)
    {
        if (!TryParseArguments(args, out var port, out var watchStdin, out var flavor, out var network, out var usage))
        {
            await Console.Error.WriteLineAsync(usage).ConfigureAwait(false);
            return 2;
        }

        if (network.Proxy)
        {
            return await RunProxyAsync(port, network.ProxyAuth, watchStdin).ConfigureAwait(false);
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
        });

        // Tests read stdout for the one "Listening on" line; framework logging would only be noise there.
        builder.Logging.ClearProviders();
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        // A stalled stream must not hold up shutdown; handlers also watch ApplicationStopping.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // Loopback only: the fake must never be reachable from another machine.
            kestrel.Listen(IPAddress.Loopback, port, listen =>
            {
                if (network.TlsPfx is not null)
                {
                    listen.UseHttps(System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(network.TlsPfx, network.TlsPassword));
                }
            });
            // Embedding batches can be large; a fake should not impose limits the real server lacks.
            kestrel.Limits.MaxRequestBodySize = null;
            // Slow readers (a PowerShell pipeline rendering each token) must not be cut off by Kestrel.
            kestrel.Limits.MinResponseDataRate = null;
            kestrel.Limits.MinRequestBodyDataRate = null;
        });
        // A flush completes only once its bytes have been handed to the socket (nothing is left queued
        // in Kestrel; pipe thresholds: pause at 2 unsent bytes, resume at 0), so closeAfterStream can
        // shut the socket down right behind the answer without overtaking it. Inline scheduling keeps
        // that cheap (a flush then costs no thread-pool hop); no handler blocks a thread.
        builder.WebHost.UseSockets(sockets =>
        {
            sockets.MaxWriteBufferSize = 2;
            sockets.UnsafePreferInlineScheduling = true;
        });

        await using var app = builder.Build();

        var recorder = new RequestRecorder();
        var stopping = app.Lifetime.ApplicationStopping;
        BehaviorStore behavior;
        IFakeProvider[] providers;
        FakeLlamaCpp? llamaCpp = null;
        if (flavor == Flavor.LlamaCpp)
        {
            behavior = new BehaviorStore(FakeLlamaCpp.DefaultBehavior, FakeLlamaCpp.ChatPath);
            llamaCpp = new FakeLlamaCpp(behavior, stopping);
            providers = [llamaCpp];
        }
        else
        {
            behavior = new BehaviorStore();
            providers =
            [
                new FakeOllama(behavior, stopping),
                new FakeOpenRouter(behavior, stopping),
                new FakeOpenAI(behavior, stopping),
            ];
        }

        app.Use(ReportBugsAsync);
        app.Use((context, next) => recorder.InvokeAsync(context, () => next(context)));
        if (llamaCpp is not null)
        {
            // llama-server names itself on every answer (a proxy's error page overrides it with its own name).
            app.Use((context, next) =>
            {
                if (!context.Request.Path.StartsWithSegments(Control.Prefix, StringComparison.OrdinalIgnoreCase))
                {
                    context.Response.Headers.Server = "llama.cpp";
                }

                return next(context);
            });
        }

        new Control(behavior, recorder, providers).Map(app);
        foreach (var provider in providers)
        {
            provider.MapRoutes(app);
        }

        if (llamaCpp is not null)
        {
            // Every path without a route, whatever its method or file extension: llama-server's JSON 404.
            app.MapFallback("{**path}", llamaCpp.NotFoundAsync);
        }
        else
        {
            MapGinFallback(app);
        }

        try
        {
            await app.StartAsync().ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            // Typically "address already in use" for a fixed --port: one line, not a stack trace.
            await Console.Error.WriteLineAsync("Ally.FakeServers: " + ex.Message).ConfigureAwait(false);
            return 1;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var boundPort = new Uri(address).Port;
        Console.Out.WriteLine($"Listening on {(network.TlsPfx is null ? "http" : "https")}://127.0.0.1:{boundPort.ToString(CultureInfo.InvariantCulture)}/");
        Console.Out.Flush();

        if (watchStdin)
        {
            _ = WatchStdinAsync(app.Lifetime);
        }

        await app.WaitForShutdownAsync().ConfigureAwait(false);
        return 0;
    }

    /// <summary>Runs the loopback forward proxy until stdin closes (or Ctrl+C).</summary>
    private static async Task<int> RunProxyAsync(int port, string? credentials, bool watchStdin)
    {
        using var stopping = new System.Threading.CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stopping.Cancel();
        };
        var proxy = new Proxy.FakeProxy(port, credentials);
        try
        {
            proxy.Start(stopping.Token);
        }
        catch (System.Net.Sockets.SocketException ex)
        {
            await Console.Error.WriteLineAsync("Ally.FakeServers: " + ex.Message).ConfigureAwait(false);
            return 1;
        }

        Console.Out.WriteLine($"Listening on http://127.0.0.1:{proxy.Port.ToString(CultureInfo.InvariantCulture)}/");
        Console.Out.Flush();
        if (watchStdin)
        {
            try
            {
                await using var stdin = Console.OpenStandardInput();
                var buffer = new byte[256];
                while (await stdin.ReadAsync(buffer, stopping.Token).ConfigureAwait(false) > 0)
                {
                    // Input is ignored; only EOF matters.
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException)
            {
            }
        }
        else
        {
            try
            {
                await Task.Delay(System.Threading.Timeout.Infinite, stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        await stopping.CancelAsync().ConfigureAwait(false);
        return 0;
    }

    /// <summary>What the network tests ask for: a proxy instead of a fake provider, or TLS.</summary>
    private sealed record NetworkOptions(bool Proxy, string? ProxyAuth, string? TlsPfx, string? TlsPassword);

    /// <summary>
    /// gin's answers for a route that does not exist (404) or exists for other methods (405).
    /// The route table is read on first use, once every endpoint is registered.
    /// </summary>
    private static void MapGinFallback(WebApplication app)
    {
        HashSet<string>? knownPaths = null;
        app.MapFallback(context =>
        {
            knownPaths ??= context.RequestServices.GetRequiredService<EndpointDataSource>().Endpoints
                .OfType<RouteEndpoint>()
                .Select(endpoint => "/" + endpoint.RoutePattern.RawText?.Trim('/'))
                .ToHashSet(StringComparer.OrdinalIgnoreCase);
            var path = context.Request.Path.Value?.TrimEnd('/') is { Length: > 0 } p ? p : "/";
            return knownPaths.Contains(path)
                ? FakeJson.WriteTextAsync(context, StatusCodes.Status405MethodNotAllowed, "405 method not allowed")
                : FakeJson.WriteTextAsync(context, StatusCodes.Status404NotFound, "404 page not found");
        });
    }

    /// <summary>
    /// Stops the server when stdin closes. The harness holds our stdin open for as long as it wants
    /// the server, so a crashed or killed test run can never leave a fake behind.
    /// </summary>
    private static Task WatchStdinAsync(IHostApplicationLifetime lifetime) =>
        Task.Run(async () =>
        {
            try
            {
                await using var stdin = Console.OpenStandardInput();
                var buffer = new byte[256];
                while (await stdin.ReadAsync(buffer, lifetime.ApplicationStopping).ConfigureAwait(false) > 0)
                {
                    // Input is ignored; only EOF matters.
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (IOException)
            {
                // A broken stdin counts as closed.
            }

            lifetime.StopApplication();
        });

    /// <summary>
    /// A handler that throws is a bug in the fake, not a condition a test set up: say so on stderr
    /// (the PowerShell harness keeps it) and in the response, instead of an anonymous empty 500.
    /// </summary>
    private static async Task ReportBugsAsync(HttpContext context, Func<Task> next)
    {
        try
        {
            await next().ConfigureAwait(false);
        }
        catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync($"Ally.FakeServers: {context.Request.Method} {context.Request.Path} failed: {ex}")
                .ConfigureAwait(false);
            if (!context.Response.HasStarted)
            {
                context.Response.Clear();
                await FakeJson.WriteErrorAsync(context, StatusCodes.Status500InternalServerError, "fake server bug: " + ex.Message)
                    .ConfigureAwait(false);
            }
            else
            {
                context.Abort();
            }
        }
    }

    private static bool TryParseArguments(string[] args, out int port, out bool watchStdin, out Flavor flavor, out NetworkOptions network, out string usage)
    {
        port = 0;
        watchStdin = true;
        flavor = Flavor.Ollama;
        network = new NetworkOptions(false, null, null, null);
        usage = "usage: dotnet Ally.FakeServers.dll [--flavor ollama|llamacpp] [--port N] [--ignore-stdin] [--tls-pfx FILE --tls-password TEXT] | --proxy [--proxy-auth USER:PASSWORD]";
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--port" when i + 1 < args.Length &&
                                   int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out port) &&
                                   port <= 65535:
                    i++;
                    break;
                case "--flavor" when i + 1 < args.Length && args[i + 1].ToLowerInvariant() is "ollama" or "llamacpp":
                    flavor = args[i + 1].ToLowerInvariant() == "llamacpp" ? Flavor.LlamaCpp : Flavor.Ollama;
                    i++;
                    break;
                case "--proxy":
                    network = network with { Proxy = true };
                    break;
                case "--proxy-auth" when i + 1 < args.Length:
                    network = network with { ProxyAuth = args[++i] };
                    break;
                case "--tls-pfx" when i + 1 < args.Length:
                    network = network with { TlsPfx = args[++i] };
                    break;
                case "--tls-password" when i + 1 < args.Length:
                    network = network with { TlsPassword = args[++i] };
                    break;
                case "--ignore-stdin":
                    // For running the fake by hand in the background, where stdin is not a pipe we own.
                    watchStdin = false;
                    break;
                default:
                    return false;
            }
        }

        return true;
    }
}
