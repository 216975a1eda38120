using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Ally.FakeServers.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Ally.FakeServers.Ollama;

/// <summary>
/// A fake Ollama server that follows reference/protocols.md §1 (and, where that is silent, the
/// Ollama server source it cites): same routes, status codes, error texts, NDJSON streaming and
/// field shapes. Split over partial files by endpoint family: chat, models (tags/show/pull/delete/ps),
/// embeddings.
/// </summary>
internal sealed partial class FakeOllama(BehaviorStore behavior, CancellationToken stopping) : IFakeProvider
{
    /// <summary>What <c>/api/version</c> reports.</summary>
    public const string Version = "0.12.6";

    private readonly OllamaCatalog _catalog = new();

    public void MapRoutes(IEndpointRouteBuilder routes)
    {
        // OllamaSharp's IsRunningAsync and many scripts probe "/" (GET or HEAD).
        routes.MapMethods("/", [HttpMethods.Get, HttpMethods.Head], context =>
            GuardedAsync(context, () => FakeJson.WriteTextAsync(context, StatusCodes.Status200OK, "Ollama is running")));
        routes.MapMethods("/api/version", [HttpMethods.Get, HttpMethods.Head], context =>
            GuardedAsync(context, () => FakeJson.WriteAsync(context, StatusCodes.Status200OK, w =>
            {
                w.WriteStartObject();
                w.WriteString("version", Version);
                w.WriteEndObject();
            })));
        routes.MapMethods("/api/tags", [HttpMethods.Get, HttpMethods.Head], context => GuardedAsync(context, () => TagsAsync(context)));
        routes.MapGet("/api/ps", context => GuardedAsync(context, () => PsAsync(context)));
        routes.MapPost("/api/show", context => GuardedAsync(context, () => ShowAsync(context)));
        routes.MapPost("/api/pull", context => GuardedAsync(context, () => PullAsync(context)));
        routes.MapDelete("/api/delete", context => GuardedAsync(context, () => DeleteAsync(context)));
        routes.MapPost("/api/chat", context => GuardedAsync(context, () => ChatAsync(context)));
        routes.MapPost("/api/embed", context => GuardedAsync(context, () => EmbedAsync(context)));
    }

    public void MapControl(IEndpointRouteBuilder control)
    {
        Control.MapConfig(control, "/ollama/config", WriteConfigAsync, ApplyConfig);
        control.MapGet("/models", context => WriteModelListAsync(context, _catalog.Installed()));
        control.MapPut("/models", context => SetModelsAsync(context, replace: true));
        control.MapPost("/models", context => SetModelsAsync(context, replace: false));
        control.MapGet("/registry", context => WriteModelListAsync(context, _catalog.Registry()));
        control.MapPost("/registry", async context =>
        {
            var model = await ReadControlModelAsync(context).ConfigureAwait(false);
            if (model is null)
            {
                return;
            }

            _catalog.AddToRegistry(model);
            await WriteModelListAsync(context, _catalog.Registry()).ConfigureAwait(false);
        });
    }

    public void Reset() => _catalog.Reset();

    /// <summary>Applies <c>POST /_fake/ollama/config</c>: <c>availableMemory</c> (bytes, or <c>null</c> for unlimited).</summary>
    private string? ApplyConfig(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return "the Ollama config must be a JSON object";
        }

        long? memory = _catalog.AvailableMemory;
        foreach (var property in body.EnumerateObject())
        {
            var value = property.Value;
            switch (property.Name)
            {
                case "availableMemory":
                    if (value.ValueKind == JsonValueKind.Null) memory = null;
                    else if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var bytes) && bytes >= 0) memory = bytes;
                    else return "availableMemory must be a number of bytes (0 or more) or null";
                    break;
                default:
                    return $"unknown Ollama config field '{property.Name}' (known: availableMemory)";
            }
        }

        _catalog.AvailableMemory = memory;
        return null;
    }

    /// <summary>The config in the shape <c>POST /_fake/ollama/config</c> accepts.</summary>
    private Task WriteConfigAsync(HttpContext context)
    {
        var memory = _catalog.AvailableMemory;
        return FakeJson.WriteAsync(context, StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            if (memory is long bytes) w.WriteNumber("availableMemory", bytes); else w.WriteNull("availableMemory");
            w.WriteEndObject();
        });
    }

    /// <summary>
    /// Runs an endpoint after the cross-cutting behaviour every Ollama route honours: the
    /// configured response delay, then a queued <c>failNext</c> failure for this path (Ollama's
    /// <c>{"error":…}</c>, a proxy's HTML page or a dropped connection). A client that
    /// goes away mid-request is not an error for the fake, so cancellation ends the request quietly.
    /// </summary>
    private async Task GuardedAsync(HttpContext context, Func<Task> endpoint)
    {
        try
        {
            var delay = behavior.Current.ResponseDelayMs;
            if (delay > 0)
            {
                using var linked = LinkedToken(context);
                await FakeDelay.AtLeastAsync(delay, linked.Token).ConfigureAwait(false);
            }

            if (await ConnectionFaults.TryFailAsync(context, behavior, context.Request.Path.Value ?? "/",
                    failure => FakeJson.WriteErrorAsync(context, failure.Status, failure.Error)).ConfigureAwait(false))
            {
                return;
            }

            await endpoint().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or System.IO.IOException && IsGone(context))
        {
            // The client disconnected or the server is shutting down: nothing left to tell anyone.
        }
    }

    private bool IsGone(HttpContext context) => context.RequestAborted.IsCancellationRequested || stopping.IsCancellationRequested;

    /// <summary>Cancelled when the client disconnects or the fake shuts down (so stalls never block exit).</summary>
    private CancellationTokenSource LinkedToken(HttpContext context) =>
        CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);

    /// <summary>
    /// Reads and decodes the body as Ollama's handlers do; on failure writes the 400
    /// (<c>missing request body</c>, Go's decoder message, or — with <paramref name="fieldTypes"/> —
    /// the first mistyped field) and returns <c>null</c>.
    /// </summary>
    private static async Task<JsonDocument?> DecodeBodyAsync(HttpContext context, string goType, IReadOnlyDictionary<string, string>? fieldTypes = null)
    {
        var body = await RequestRecorder.ReadBodyAsync(context).ConfigureAwait(false);
        switch (GoJsonDecoder.Decode(body, out var document, out var error))
        {
            case GoJsonDecoder.Outcome.Empty:
                await FakeJson.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "missing request body").ConfigureAwait(false);
                return null;
            case GoJsonDecoder.Outcome.Invalid:
                await FakeJson.WriteErrorAsync(context, StatusCodes.Status400BadRequest, error!).ConfigureAwait(false);
                return null;
        }

        var root = document!.RootElement;
        if (root.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
        {
            var message = GoJsonDecoder.RootTypeError(root, goType);
            document.Dispose();
            await FakeJson.WriteErrorAsync(context, StatusCodes.Status400BadRequest, message).ConfigureAwait(false);
            return null;
        }

        // goType is "api.XRequest"; Go's messages name the struct without the package.
        if (fieldTypes != null && CheckFieldTypes(root, goType[(goType.IndexOf('.') + 1)..], fieldTypes) is { } typeError)
        {
            document.Dispose();
            await FakeJson.WriteErrorAsync(context, StatusCodes.Status400BadRequest, typeError).ConfigureAwait(false);
            return null;
        }

        return document;
    }

    /// <summary>
    /// Checks the JSON types of the request fields the fake reads, in document order, and returns
    /// Go's message for the first mismatch (Go's decoder would have rejected the body the same way).
    /// </summary>
    /// <param name="root">The request object.</param>
    /// <param name="goStruct">Go's struct name for messages, e.g. <c>ChatRequest</c>.</param>
    /// <param name="fields">Field name → expected kind: <c>string</c>, <c>bool</c>, <c>int</c>, <c>object</c> or an array Go type.</param>
    private static string? CheckFieldTypes(JsonElement root, string goStruct, IReadOnlyDictionary<string, string> fields)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var property in root.EnumerateObject())
        {
            if (CheckFieldType(property, goStruct, string.Empty, fields) is { } error)
            {
                return error;
            }
        }

        return null;
    }

    /// <summary>
    /// One field of <see cref="CheckFieldTypes"/>: Go's message when its JSON type does not fit, else
    /// <c>null</c> (also for fields the fake does not read). <paramref name="path"/> prefixes the field
    /// name as Go's decoder does for nested structs (<c>tool_calls.function.</c>).
    /// </summary>
    /// <param name="property">The field.</param>
    /// <param name="goStruct">Go's name of the innermost struct.</param>
    /// <param name="path">Field path from the decoded value down to this struct, with a trailing dot; empty at the top.</param>
    /// <param name="fields">Field name → Go type: <c>string</c>, <c>bool</c>, <c>int</c>, a map, a <c>[]</c> slice, else a struct or named map (an object).</param>
    private static string? CheckFieldType(JsonProperty property, string goStruct, string path, IReadOnlyDictionary<string, string> fields)
    {
        if (!TryGetFieldType(fields, property.Name, out var goType))
        {
            return null;
        }

        var value = property.Value;
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null; // Go leaves the field at its zero value.
        }

        var ok = goType switch
        {
            "string" => value.ValueKind == JsonValueKind.String,
            "bool" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
            "int" => value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out _),
            "map[string]interface {}" => value.ValueKind == JsonValueKind.Object,
            _ when goType.StartsWith("[]", StringComparison.Ordinal) || goType == "api.Tools" => value.ValueKind == JsonValueKind.Array,
            _ => value.ValueKind == JsonValueKind.Object,
        };
        return ok ? null : GoJsonDecoder.TypeError(value, goStruct, path + property.Name.ToLowerInvariant(), goType);
    }

    private static bool TryGetFieldType(IReadOnlyDictionary<string, string> fields, string name, out string goType)
    {
        if (fields.TryGetValue(name, out goType!))
        {
            return true;
        }

        foreach (var (field, type) in fields)
        {
            if (string.Equals(field, name, StringComparison.OrdinalIgnoreCase))
            {
                goType = type;
                return true;
            }
        }

        goType = string.Empty;
        return false;
    }

    /// <summary>A string field, or "" when absent/null (Go's zero value).</summary>
    /// <summary>The model a request names: <c>model</c>, or the older <c>name</c> field.</summary>
    private static string RequestedModel(JsonElement root) => GetString(root, "model") is { Length: > 0 } model ? model : GetString(root, "name");

    private static string GetString(JsonElement root, string name) =>
        FakeJson.TryGetProperty(root, name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : string.Empty;

    /// <summary>A bool field, or <c>null</c> when absent/null (Go's <c>*bool</c>).</summary>
    private static bool? GetBool(JsonElement root, string name) =>
        FakeJson.TryGetProperty(root, name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? value.GetBoolean()
            : null;

    /// <summary>An integer option from <c>options</c> (numbers only; fractional values truncate like Go's conversion).</summary>
    private static int GetIntOption(JsonElement root, string name)
    {
        if (FakeJson.TryGetProperty(root, "options", out var options) && options.ValueKind == JsonValueKind.Object &&
            options.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number)
        {
            var number = value.GetDouble();
            return number > int.MaxValue ? int.MaxValue : number < int.MinValue ? int.MinValue : (int)number;
        }

        return 0;
    }

    /// <summary>Parses <c>keep_alive</c>; on a bad value writes Go's 400 and returns <c>false</c>.</summary>
    private static async Task<(bool Ok, TimeSpan? KeepAlive)> ReadKeepAliveAsync(HttpContext context, JsonElement root)
    {
        if (!FakeJson.TryGetProperty(root, "keep_alive", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return (true, null);
        }

        if (KeepAlive.TryParse(value, out var duration) is { } error)
        {
            await FakeJson.WriteErrorAsync(context, StatusCodes.Status400BadRequest, error).ConfigureAwait(false);
            return (false, null);
        }

        return (true, duration);
    }

    /// <summary>The context length Ollama would allocate: the request's <c>num_ctx</c> (default 4096), capped at the model's.</summary>
    private static int AllocatedContext(OllamaModel model, int numCtx) =>
        Math.Min(numCtx > 0 ? numCtx : 4096, model.ContextLength);

    private async Task SetModelsAsync(HttpContext context, bool replace)
    {
        using var document = await Control.ReadJsonAsync(context).ConfigureAwait(false);
        if (document is null)
        {
            return;
        }

        var root = document.RootElement;
        if (replace)
        {
            if (root.ValueKind != JsonValueKind.Array)
            {
                await FakeJson.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "PUT /_fake/models takes a JSON array of models")
                    .ConfigureAwait(false);
                return;
            }

            var models = new List<OllamaModel>();
            foreach (var item in root.EnumerateArray())
            {
                var model = OllamaModel.FromControlJson(item, out var error);
                if (model is null)
                {
                    await FakeJson.WriteErrorAsync(context, StatusCodes.Status400BadRequest, error!).ConfigureAwait(false);
                    return;
                }

                models.Add(model);
            }

            _catalog.ReplaceInstalled(models);
        }
        else
        {
            var model = OllamaModel.FromControlJson(root, out var error);
            if (model is null)
            {
                await FakeJson.WriteErrorAsync(context, StatusCodes.Status400BadRequest, error!).ConfigureAwait(false);
                return;
            }

            _catalog.Install(model);
        }

        await WriteModelListAsync(context, _catalog.Installed()).ConfigureAwait(false);
    }

    private static async Task<OllamaModel?> ReadControlModelAsync(HttpContext context)
    {
        using var document = await Control.ReadJsonAsync(context).ConfigureAwait(false);
        if (document is null)
        {
            return null;
        }

        var model = OllamaModel.FromControlJson(document.RootElement, out var error);
        if (model is null)
        {
            await FakeJson.WriteErrorAsync(context, StatusCodes.Status400BadRequest, error!).ConfigureAwait(false);
        }

        return model;
    }

    /// <summary>Control answer: the model list in the control API's own input shape.</summary>
    private static Task WriteModelListAsync(HttpContext context, IReadOnlyList<OllamaModel> models) =>
        FakeJson.WriteAsync(context, StatusCodes.Status200OK, w =>
        {
            w.WriteStartArray();
            foreach (var model in models)
            {
                w.WriteStartObject();
                w.WriteString("name", model.DisplayName);
                w.WriteStartArray("capabilities");
                foreach (var capability in model.Capabilities)
                {
                    w.WriteStringValue(capability);
                }

                w.WriteEndArray();
                w.WriteNumber("size", model.Size);
                w.WriteString("digest", model.Digest);
                w.WriteString("family", model.Family);
                w.WriteString("parameter_size", model.ParameterSize);
                w.WriteString("quantization_level", model.QuantizationLevel);
                w.WriteNumber("context_length", model.ContextLength);
                w.WriteNumber("embedding_length", model.EmbeddingLength);
                w.WriteString("modified_at", FakeJson.FormatRfc3339(model.ModifiedAt));
                w.WriteEndObject();
            }

            w.WriteEndArray();
        });
}
