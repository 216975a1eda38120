using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Ally.FakeServers.Ollama;

/// <summary>
/// One model the fake Ollama knows: what <c>/api/tags</c>, <c>/api/show</c> and <c>/api/ps</c> report
/// about it and which capabilities gate <c>/api/chat</c> (tools, thinking, chat vs embedding).
/// Immutable, so a request can hold on to it while the catalog is replaced under it.
/// </summary>
internal sealed record OllamaModel
{
    public required ModelName Name { get; init; }

    /// <summary>Ollama's capability words: <c>completion</c>, <c>tools</c>, <c>thinking</c>, <c>embedding</c>, <c>vision</c>, <c>insert</c>.</summary>
    public required IReadOnlyList<string> Capabilities { get; init; }

    public required long Size { get; init; }
    public required string Digest { get; init; }
    public required DateTimeOffset ModifiedAt { get; init; }
    public string Format { get; init; } = "gguf";
    public string ParentModel { get; init; } = string.Empty;
    public required string Family { get; init; }
    public required IReadOnlyList<string> Families { get; init; }
    public required string ParameterSize { get; init; }
    public required string QuantizationLevel { get; init; }
    public required int ContextLength { get; init; }
    public required int EmbeddingLength { get; init; }
    public required long ParameterCount { get; init; }
    public string Template { get; init; } = "{{ .Prompt }}";
    public string Parameters { get; init; } = string.Empty;
    public string License { get; init; } = string.Empty;
    public string SystemPrompt { get; init; } = string.Empty;

    /// <summary>The name as Ollama lists it, e.g. <c>llama3.1:latest</c>.</summary>
    public string DisplayName => Name.DisplayShortest;

    /// <summary><c>general.architecture</c>; Ollama's model family is the GGUF architecture.</summary>
    public string Architecture => Family;

    public bool Has(string capability) => Capabilities.Contains(capability, StringComparer.Ordinal);

    /// <summary>
    /// Builds a model from the control API's JSON (<c>PUT/POST /_fake/models</c>). Only <c>name</c> is
    /// required; everything else gets a plausible default derived from what was given.
    /// </summary>
    /// <returns><c>null</c> and <paramref name="error"/> when the object is unusable.</returns>
    public static OllamaModel? FromControlJson(JsonElement json, out string? error)
    {
        error = null;
        if (json.ValueKind != JsonValueKind.Object)
        {
            error = "a model must be a JSON object";
            return null;
        }

        var nameText = GetString(json, "name") ?? GetString(json, "model");
        if (string.IsNullOrWhiteSpace(nameText))
        {
            error = "a model needs a \"name\"";
            return null;
        }

        var name = ModelName.Parse(nameText.Trim());
        if (!name.IsValid)
        {
            error = $"model name \"{nameText}\" is not a valid Ollama name";
            return null;
        }

        string[] capabilities = ["completion"];
        if (json.TryGetProperty("capabilities", out var caps) && caps.ValueKind == JsonValueKind.Array)
        {
            capabilities = caps.EnumerateArray()
                .Where(c => c.ValueKind == JsonValueKind.String)
                .Select(c => c.GetString()!)
                .ToArray();
        }

        var embeddingOnly = capabilities.Contains("embedding") && !capabilities.Contains("completion");
        var family = GetString(json, "family") ?? (embeddingOnly ? "bert" : "llama");
        var parameterSize = GetString(json, "parameter_size") ?? (embeddingOnly ? "137M" : "8.0B");
        var quantization = GetString(json, "quantization_level") ?? (embeddingOnly ? "F16" : "Q4_K_M");
        var parameterCount = GetInt64(json, "parameter_count") ?? ParseParameterSize(parameterSize);
        var size = GetInt64(json, "size") ?? EstimateSize(parameterCount, quantization);

        string[] families = [family];
        if (json.TryGetProperty("families", out var fams) && fams.ValueKind == JsonValueKind.Array)
        {
            families = fams.EnumerateArray().Where(f => f.ValueKind == JsonValueKind.String).Select(f => f.GetString()!).ToArray();
        }

        var modifiedAt = DateTimeOffset.Now;
        if (GetString(json, "modified_at") is { } modifiedText)
        {
            if (!DateTimeOffset.TryParse(modifiedText, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out modifiedAt))
            {
                error = $"modified_at \"{modifiedText}\" is not an RFC 3339 time";
                return null;
            }
        }

        return new OllamaModel
        {
            Name = name,
            Capabilities = capabilities,
            Size = size,
            Digest = GetString(json, "digest") ?? FakeDigest(name.DisplayShortest),
            ModifiedAt = modifiedAt,
            Format = GetString(json, "format") ?? "gguf",
            ParentModel = GetString(json, "parent_model") ?? string.Empty,
            Family = family,
            Families = families,
            ParameterSize = parameterSize,
            QuantizationLevel = quantization,
            ContextLength = (int)(GetInt64(json, "context_length") ?? (embeddingOnly ? 2048 : 8192)),
            EmbeddingLength = (int)(GetInt64(json, "embedding_length") ?? (embeddingOnly ? 768 : 4096)),
            ParameterCount = parameterCount,
            Template = GetString(json, "template") ?? (embeddingOnly ? "{{ .Prompt }}" : DefaultCatalog.LlamaTemplate),
            Parameters = GetString(json, "parameters") ?? string.Empty,
            License = GetString(json, "license") ?? string.Empty,
            SystemPrompt = GetString(json, "system") ?? string.Empty,
        };
    }

    /// <summary>A stable, realistic-looking 64-hex digest derived from a name.</summary>
    public static string FakeDigest(string seed) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("ally-fake:" + seed)));

    /// <summary>"8.0B" → 8,000,000,000; "137M" → 137,000,000 (Ollama's <c>format.HumanNumber</c> in reverse).</summary>
    public static long ParseParameterSize(string text)
    {
        var t = text.Trim();
        if (t.Length == 0)
        {
            return 0;
        }

        var multiplier = char.ToUpperInvariant(t[^1]) switch
        {
            'K' => 1e3,
            'M' => 1e6,
            'B' => 1e9,
            'T' => 1e12,
            _ => 1,
        };
        var number = multiplier == 1 ? t : t[..^1];
        return double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? (long)(value * multiplier)
            : 0;
    }

    /// <summary>GGUF file size from parameter count and bits per weight of the quantisation.</summary>
    public static long EstimateSize(long parameterCount, string quantization)
    {
        var bitsPerWeight = quantization.ToUpperInvariant() switch
        {
            "F32" => 32.0,
            "F16" or "BF16" => 16.0,
            "Q8_0" => 8.5,
            "Q6_K" => 6.56,
            "Q5_K_M" => 5.69,
            "Q4_0" => 4.55,
            "Q4_K_M" => 4.9,
            "Q3_K_M" => 3.91,
            "Q2_K" => 3.35,
            _ => 5.0,
        };
        return (long)(parameterCount * bitsPerWeight / 8);
    }

    /// <summary>GGUF <c>general.file_type</c> for a quantisation name (llama.cpp's <c>LLAMA_FTYPE_*</c>).</summary>
    public int FileType => QuantizationLevel.ToUpperInvariant() switch
    {
        "F32" => 0,
        "F16" => 1,
        "Q4_0" => 2,
        "Q8_0" => 7,
        "Q2_K" => 10,
        "Q3_K_M" => 12,
        "Q4_K_M" => 15,
        "Q5_K_M" => 17,
        "Q6_K" => 18,
        "BF16" => 32,
        _ => 15,
    };

    private static string? GetString(JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static long? GetInt64(JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number)
            ? number
            : null;
}
