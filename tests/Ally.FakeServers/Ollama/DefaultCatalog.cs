using System;
using System.Collections.Generic;

namespace Ally.FakeServers.Ollama;

/// <summary>
/// The models a fresh (or reset) fake has installed, and the extra ones its "registry" can pull.
/// Values are those of the real library models (sizes, digests, context lengths), so tests and
/// formatting code see realistic numbers.
/// </summary>
internal static class DefaultCatalog
{
    // Shortened but faithful-looking templates: /api/show returns them and tests may display them.
    public const string LlamaTemplate =
        "{{- if or .System .Tools }}<|start_header_id|>system<|end_header_id|>\n" +
        "{{- if .System }}\n\n{{ .System }}\n{{- end }}\n" +
        "{{- if .Tools }}\n\nCutting Knowledge Date: December 2023\n\nWhen you receive a tool call response, use the output to format an answer to the orginal user question.\n\nYou are a helpful assistant with tool calling capabilities.\n{{- end }}<|eot_id|>\n{{- end }}\n" +
        "{{- range $i, $_ := .Messages }}\n{{- $last := eq (len (slice $.Messages $i)) 1 }}\n" +
        "{{- if eq .Role \"user\" }}<|start_header_id|>user<|end_header_id|>\n\n{{ .Content }}<|eot_id|>{{ if $last }}<|start_header_id|>assistant<|end_header_id|>\n\n{{ end }}\n" +
        "{{- else if eq .Role \"assistant\" }}<|start_header_id|>assistant<|end_header_id|>\n{{- if .ToolCalls }}\n{{ range .ToolCalls }}\n{\"name\": \"{{ .Function.Name }}\", \"parameters\": {{ .Function.Arguments }}}{{ end }}\n{{- else }}\n\n{{ .Content }}\n{{- end }}{{ if not $last }}<|eot_id|>{{ end }}\n" +
        "{{- else if eq .Role \"tool\" }}<|start_header_id|>ipython<|end_header_id|>\n\n{{ .Content }}<|eot_id|>{{ if $last }}<|start_header_id|>assistant<|end_header_id|>\n\n{{ end }}\n" +
        "{{- end }}\n{{- end }}";

    public const string QwenTemplate =
        "{{- $lastUserIdx := -1 -}}\n{{- range $idx, $msg := .Messages -}}\n{{- if eq $msg.Role \"user\" }}{{ $lastUserIdx = $idx }}{{ end -}}\n{{- end }}\n" +
        "{{- if or .System .Tools }}<|im_start|>system\n{{ if .System }}{{ .System }}\n\n{{ end }}\n" +
        "{{- if .Tools }}# Tools\n\nYou may call one or more functions to assist with the user query.\n\nYou are provided with function signatures within <tools></tools> XML tags:\n<tools>\n{{- range .Tools }}\n{\"type\": \"function\", \"function\": {{ .Function }}}\n{{- end }}\n</tools>\n{{- end -}}\n<|im_end|>\n{{ end }}\n" +
        "{{- range $i, $_ := .Messages }}\n{{- $last := eq (len (slice $.Messages $i)) 1 -}}\n" +
        "{{- if eq .Role \"user\" }}<|im_start|>user\n{{ .Content }}<|im_end|>\n" +
        "{{ else if eq .Role \"assistant\" }}<|im_start|>assistant\n{{ if (and $.IsThinkSet (and .Thinking (or $last (gt $i $lastUserIdx)))) -}}\n<think>{{ .Thinking }}</think>\n{{ end -}}\n{{ if .Content }}{{ .Content }}{{ end }}{{ if not $last }}<|im_end|>\n{{ end }}\n" +
        "{{- else if eq .Role \"tool\" }}<|im_start|>user\n<tool_response>\n{{ .Content }}\n</tool_response><|im_end|>\n{{ end }}\n" +
        "{{- if and (ne .Role \"assistant\") $last }}<|im_start|>assistant\n{{ if and $.IsThinkSet (not $.Think) -}}\n<think>\n\n</think>\n\n{{ end -}}\n{{ end }}\n{{- end }}";

    private const string LlamaParameters =
        "stop                           \"<|start_header_id|>\"\n" +
        "stop                           \"<|end_header_id|>\"\n" +
        "stop                           \"<|eot_id|>\"";

    private const string QwenParameters =
        "repeat_penalty                 1\n" +
        "stop                           \"<|im_start|>\"\n" +
        "stop                           \"<|im_end|>\"\n" +
        "temperature                    0.6\n" +
        "top_k                          20\n" +
        "top_p                          0.95";

    private const string Llama31License =
        "LLAMA 3.1 COMMUNITY LICENSE AGREEMENT\nLlama 3.1 Version Release Date: July 23, 2024\n\n" +
        "“Agreement” means the terms and conditions for use, reproduction, distribution and modification of the Llama Materials set forth herein.";

    private const string Llama32License =
        "LLAMA 3.2 COMMUNITY LICENSE AGREEMENT\nLlama 3.2 Version Release Date: September 25, 2024\n\n" +
        "“Agreement” means the terms and conditions for use, reproduction, distribution and modification of the Llama Materials set forth herein.";

    private const string ApacheLicense =
        "                                 Apache License\n                           Version 2.0, January 2004\n                        http://www.apache.org/licenses/";

    /// <summary>The four installed models of a reset fake.</summary>
    public static IReadOnlyList<OllamaModel> Installed() =>
    [
        new OllamaModel
        {
            Name = ModelName.Parse("llama3.1:latest"),
            Capabilities = ["completion", "tools"],
            Size = 4920753328,
            Digest = "46e0c10c039e019119339687c3c1757cc81b9da49709a3b3924863ba87ca666e",
            ModifiedAt = new DateTimeOffset(2025, 5, 4, 17, 37, 44, TimeSpan.FromHours(-7)).AddTicks(7060153),
            Family = "llama",
            Families = ["llama"],
            ParameterSize = "8.0B",
            QuantizationLevel = "Q4_K_M",
            ContextLength = 131072,
            EmbeddingLength = 4096,
            ParameterCount = 8030261312,
            Template = LlamaTemplate,
            Parameters = LlamaParameters,
            License = Llama31License,
        },
        new OllamaModel
        {
            Name = ModelName.Parse("llama3.2:latest"),
            Capabilities = ["completion", "tools"],
            Size = 2019393189,
            Digest = "a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72",
            ModifiedAt = new DateTimeOffset(2025, 5, 2, 9, 12, 3, TimeSpan.FromHours(-7)).AddTicks(1854021),
            Family = "llama",
            Families = ["llama"],
            ParameterSize = "3.2B",
            QuantizationLevel = "Q4_K_M",
            ContextLength = 131072,
            EmbeddingLength = 3072,
            ParameterCount = 3212749888,
            Template = LlamaTemplate,
            Parameters = LlamaParameters,
            License = Llama32License,
        },
        new OllamaModel
        {
            Name = ModelName.Parse("qwen3:latest"),
            Capabilities = ["completion", "tools", "thinking"],
            Size = 5225388164,
            Digest = "500a1f067a9f782620b40bee6f7b0c89e17ae61f686b92c24933e4ca4b2b8b41",
            ModifiedAt = new DateTimeOffset(2025, 4, 29, 20, 5, 51, TimeSpan.FromHours(-7)).AddTicks(4402911),
            Family = "qwen3",
            Families = ["qwen3"],
            ParameterSize = "8.2B",
            QuantizationLevel = "Q4_K_M",
            ContextLength = 40960,
            EmbeddingLength = 4096,
            ParameterCount = 8190735360,
            Template = QwenTemplate,
            Parameters = QwenParameters,
            License = ApacheLicense,
        },
        new OllamaModel
        {
            Name = ModelName.Parse("nomic-embed-text:latest"),
            Capabilities = ["embedding"],
            Size = 274302450,
            Digest = "0a109f422b47e3a30ba2b10eca18548e944e8a23073ee3f3e947efcf3c45e59f",
            ModifiedAt = new DateTimeOffset(2025, 3, 14, 11, 48, 26, TimeSpan.FromHours(-7)).AddTicks(9230174),
            Family = "nomic-bert",
            Families = ["nomic-bert"],
            ParameterSize = "137M",
            QuantizationLevel = "F16",
            ContextLength = 2048,
            EmbeddingLength = 768,
            ParameterCount = 136727040,
            Template = "{{ .Prompt }}",
            Parameters = "num_ctx                        8192",
            License = ApacheLicense,
        },
    ];

    private static OllamaModel Extra(string name, string[] capabilities, long size, string family, string parameterSize, long parameterCount,
        int contextLength, int embeddingLength, string parameters) => new()
    {
        Name = ModelName.Parse(name),
        Capabilities = capabilities,
        Size = size,
        Digest = OllamaModel.FakeDigest(name),
        ModifiedAt = DateTimeOffset.Now,
        Family = family,
        Families = [family],
        ParameterSize = parameterSize,
        QuantizationLevel = "Q4_K_M",
        ContextLength = contextLength,
        EmbeddingLength = embeddingLength,
        ParameterCount = parameterCount,
        Template = family == "llama" ? LlamaTemplate : "{{ .Prompt }}",
        Parameters = parameters,
        License = family == "llama" ? Llama31License : ApacheLicense,
    };

    /// <summary>
    /// What <c>/api/pull</c> can fetch besides the installed models: a pull of any other name fails
    /// with <c>pull model manifest: file does not exist</c>, as for a name the registry lacks.
    /// </summary>
    public static IReadOnlyList<OllamaModel> RegistryExtras()
    {
        var now = DateTimeOffset.Now;
        return
        [
            new OllamaModel
            {
                Name = ModelName.Parse("mistral:latest"),
                Capabilities = ["completion", "tools"],
                Size = 4113301824,
                Digest = "f974a74358d62a017b37c6f424fcdf2744ca02926c4f952513ddf474b2fa5091",
                ModifiedAt = now,
                Family = "llama",
                Families = ["llama"],
                ParameterSize = "7.2B",
                QuantizationLevel = "Q4_0",
                ContextLength = 32768,
                EmbeddingLength = 4096,
                ParameterCount = 7248023552,
                Template = "{{- if .Messages }}\n{{- range $index, $_ := .Messages }}\n{{- if eq .Role \"user\" }}[INST] {{ .Content }}[/INST]\n{{- else if eq .Role \"assistant\" }} {{ .Content }}</s>\n{{- end }}\n{{- end }}\n{{- else }}[INST] {{ .Prompt }}[/INST]\n{{- end }}",
                Parameters = "stop                           \"[INST]\"\nstop                           \"[/INST]\"",
                License = ApacheLicense,
            },
            new OllamaModel
            {
                Name = ModelName.Parse("gemma3:latest"),
                Capabilities = ["completion", "vision"],
                Size = 3338801804,
                Digest = "a2af6cc3eb7fa8be8504abaf9b04e88f17a119ec3f04a3addf55f92841195f5a",
                ModifiedAt = now,
                Family = "gemma3",
                Families = ["gemma3"],
                ParameterSize = "4.3B",
                QuantizationLevel = "Q4_K_M",
                ContextLength = 131072,
                EmbeddingLength = 2560,
                ParameterCount = 4299915632,
                Template = "{{- range $i, $_ := .Messages }}\n{{- $last := eq (len (slice $.Messages $i)) 1 }}\n{{- if or (eq .Role \"user\") (eq .Role \"system\") }}<start_of_turn>user\n{{ .Content }}<end_of_turn>\n{{ if $last }}<start_of_turn>model\n{{ end }}\n{{- else if eq .Role \"assistant\" }}<start_of_turn>model\n{{ .Content }}{{ if not $last }}<end_of_turn>\n{{ end }}\n{{- end }}\n{{- end }}",
                Parameters = "stop                           \"<end_of_turn>\"\ntemperature                    1\ntop_k                          64\ntop_p                          0.95",
                License = "Gemma Terms of Use\n\nLast modified: February 21, 2024",
            },
            // The other local models the docs recommend (Get-AllyModel -Recommended), so the
            // recommended list can be installed from the pipeline.
            Extra("codellama:latest", ["completion", "insert"], 3825910662, "llama", "7B", 6738546688, 16384, 4096, LlamaParameters),
            Extra("phi3:latest", ["completion"], 2176178913, "phi3", "3.8B", 3821079552, 131072, 3072, string.Empty),
            Extra("qwen2.5:latest", ["completion", "tools"], 4683087332, "qwen2", "7.6B", 7615616512, 32768, 3584, string.Empty),
            Extra("llama3.1:70b", ["completion", "tools"], 42520413916, "llama", "70.6B", 70553706496, 131072, 8192, LlamaParameters),
            Extra("llama3.1:405b", ["completion", "tools"], 243000000000, "llama", "405.9B", 405853388800, 131072, 16384, LlamaParameters),
            Extra("llama3.2:1b", ["completion", "tools"], 1321098329, "llama", "1.2B", 1235814432, 131072, 2048, LlamaParameters),
            new OllamaModel
            {
                Name = ModelName.Parse("all-minilm:latest"),
                Capabilities = ["embedding"],
                Size = 45960996,
                Digest = "1b226e2802dbb772b5fc32a58f103ca1804ef7501331012de126ab22f67475ef",
                ModifiedAt = now,
                Family = "bert",
                Families = ["bert"],
                ParameterSize = "23M",
                QuantizationLevel = "F16",
                ContextLength = 512,
                EmbeddingLength = 384,
                ParameterCount = 22565376,
                Template = "{{ .Prompt }}",
                License = ApacheLicense,
            },
            // Shape as the library describes it (bert, 1024 dimensions, 512-token context, F16, about 670 MB);
            // the exact byte size, parameter count and digest are stand-ins, not the library's.
            new OllamaModel
            {
                Name = ModelName.Parse("mxbai-embed-large:latest"),
                Capabilities = ["embedding"],
                Size = 669615493,
                Digest = OllamaModel.FakeDigest("mxbai-embed-large:latest"),
                ModifiedAt = now,
                Family = "bert",
                Families = ["bert"],
                ParameterSize = "334M",
                QuantizationLevel = "F16",
                ContextLength = 512,
                EmbeddingLength = 1024,
                ParameterCount = 334094336,
                Template = "{{ .Prompt }}",
                License = ApacheLicense,
            },
        ];
    }
}
