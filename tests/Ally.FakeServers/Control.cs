using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Threading.Tasks;
using Ally.FakeServers.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Ally.FakeServers;

/// <summary>
/// The control API under <c>/_fake/</c>: how tests set up conditions (catalog, replies, faults) and
/// inspect what Ally sent. The fakes never special-case a test; everything a test needs is a
/// condition configured here. Control requests are not recorded.
/// </summary>
internal sealed class Control(BehaviorStore behavior, RequestRecorder recorder, IReadOnlyList<IFakeProvider> providers)
{
    public static readonly PathString Prefix = new("/_fake");

    public void Map(IEndpointRouteBuilder app)
    {
        var control = app.MapGroup(Prefix);

        control.MapPost("/reset", async context =>
        {
            behavior.Reset();
            recorder.Clear();
            foreach (var provider in providers)
            {
                provider.Reset();
            }

            await WriteOkAsync(context).ConfigureAwait(false);
        });

        control.MapGet("/behavior", context => WriteBehaviorAsync(context));
        control.MapPost("/behavior", async context =>
        {
            using var document = await ReadJsonAsync(context).ConfigureAwait(false);
            if (document is null)
            {
                return;
            }

            if (behavior.Apply(document.RootElement) is { } error)
            {
                await FakeJson.WriteErrorAsync(context, StatusCodes.Status400BadRequest, error).ConfigureAwait(false);
                return;
            }

            await WriteBehaviorAsync(context).ConfigureAwait(false);
        });

        control.MapGet("/requests", context =>
            FakeJson.WriteAsync(context, StatusCodes.Status200OK, recorder.WriteTo));
        control.MapDelete("/requests", async context =>
        {
            recorder.Clear();
            await WriteOkAsync(context).ConfigureAwait(false);
        });

        foreach (var provider in providers)
        {
            provider.MapControl(control);
        }

        // A mistyped control URL must fail loudly rather than look like a provider 404.
        control.Map("/{**rest}", context =>
            FakeJson.WriteErrorAsync(context, StatusCodes.Status404NotFound,
                $"unknown control endpoint {context.Request.Method} {context.Request.Path}"));
    }

    /// <summary>
    /// Reads a control request's JSON body; on failure writes the 400 itself and returns <c>null</c>.
    /// </summary>
    /// <summary>
    /// A fake's configuration endpoint: GET answers the configuration, POST applies a JSON object
    /// (<paramref name="apply"/> returns an error text for a bad field, answered 400) and answers the result.
    /// </summary>
    public static void MapConfig(IEndpointRouteBuilder control, string path, RequestDelegate write, Func<JsonElement, string?> apply)
    {
        control.MapGet(path, write);
        control.MapPost(path, async context =>
        {
            using var document = await ReadJsonAsync(context).ConfigureAwait(false);
            if (document is null)
            {
                return;
            }

            if (apply(document.RootElement) is { } error)
            {
                await FakeJson.WriteErrorAsync(context, StatusCodes.Status400BadRequest, error).ConfigureAwait(false);
                return;
            }

            await write(context).ConfigureAwait(false);
        });
    }

    public static async Task<JsonDocument?> ReadJsonAsync(HttpContext context)
    {
        var body = await RequestRecorder.ReadBodyAsync(context).ConfigureAwait(false);
        if (body.Length == 0)
        {
            await FakeJson.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "missing request body")
                .ConfigureAwait(false);
            return null;
        }

        try
        {
            return JsonDocument.Parse(body, FakeJson.DocumentOptions);
        }
        catch (JsonException ex)
        {
            await FakeJson.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "invalid JSON: " + ex.Message)
                .ConfigureAwait(false);
            return null;
        }
    }

    public static Task WriteOkAsync(HttpContext context) =>
        FakeJson.WriteAsync(context, StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WriteBoolean("ok", true);
            w.WriteEndObject();
        });

    private Task WriteBehaviorAsync(HttpContext context) =>
        FakeJson.WriteAsync(context, StatusCodes.Status200OK,
            w => behavior.Current.WriteTo(w, behavior.PendingFailures, behavior.PendingReplies));
}
