using System.Collections.Generic;
using System.Linq;
using System.Reflection;

namespace Ally
{
    /// <summary>An error id of Ally's catalogue: the stable name scripts match on, and its category.</summary>
    public sealed class AllyErrorId
    {
        internal AllyErrorId(string name, AllyErrorCategory category, bool isTransient = false)
        {
            Name = name;
            Category = category;
            IsTransient = isTransient;
        }

        /// <summary>The id, e.g. ConnectionLost: the start of the ErrorRecord's FullyQualifiedErrorId.</summary>
        public string Name { get; }
        /// <summary>What kind of failure it is.</summary>
        public AllyErrorCategory Category { get; }
        /// <summary>True when trying again may help (Ally then retries it, unless part of an answer arrived).</summary>
        public bool IsTransient { get; }

        /// <summary>The id.</summary>
        public override string ToString() => Name;
    }

    /// <summary>
    /// Every error id Ally reports, in one place. The ERRORS tables of about_Ally are checked against
    /// this list by a test, so the documentation names exactly these ids with these categories.
    /// </summary>
    public static class ErrorIds
    {
        // Bad input or settings, before any request.
        /// <summary>No prompt and nothing piped in.</summary>
        public static readonly AllyErrorId PromptRequired = new AllyErrorId(nameof(PromptRequired), AllyErrorCategory.InvalidArgument);
        /// <summary>-Provider or ALLY_PROVIDER names no provider Ally knows.</summary>
        public static readonly AllyErrorId UnknownProvider = new AllyErrorId(nameof(UnknownProvider), AllyErrorCategory.InvalidArgument);
        /// <summary>A model name of the wrong form (or absurd length).</summary>
        public static readonly AllyErrorId InvalidModelName = new AllyErrorId(nameof(InvalidModelName), AllyErrorCategory.InvalidArgument);
        /// <summary>OLLAMA_HOST cannot be used.</summary>
        public static readonly AllyErrorId InvalidOllamaHost = new AllyErrorId(nameof(InvalidOllamaHost), AllyErrorCategory.InvalidArgument);
        /// <summary>ALLY_OPENROUTER_BASE_URL is not an http(s) address.</summary>
        public static readonly AllyErrorId InvalidOpenRouterBaseUrl = new AllyErrorId(nameof(InvalidOpenRouterBaseUrl), AllyErrorCategory.InvalidArgument);
        /// <summary>ALLY_OPENAI_BASE_URL is not an http(s) address.</summary>
        public static readonly AllyErrorId InvalidOpenAIBaseUrl = new AllyErrorId(nameof(InvalidOpenAIBaseUrl), AllyErrorCategory.InvalidArgument);
        /// <summary>Another setting has a value Ally cannot use.</summary>
        public static readonly AllyErrorId InvalidSetting = new AllyErrorId(nameof(InvalidSetting), AllyErrorCategory.InvalidArgument);
        /// <summary>-Options names an option Ollama does not have.</summary>
        public static readonly AllyErrorId UnknownOllamaOption = new AllyErrorId(nameof(UnknownOllamaOption), AllyErrorCategory.InvalidArgument);
        /// <summary>-Options gives an Ollama option a value of the wrong kind.</summary>
        public static readonly AllyErrorId InvalidOllamaOption = new AllyErrorId(nameof(InvalidOllamaOption), AllyErrorCategory.InvalidArgument);
        /// <summary>-Options tries to set a field Ally sets itself.</summary>
        public static readonly AllyErrorId ReservedOption = new AllyErrorId(nameof(ReservedOption), AllyErrorCategory.InvalidArgument);
        /// <summary>Parameters that do not go together.</summary>
        public static readonly AllyErrorId InvalidParameterCombination = new AllyErrorId(nameof(InvalidParameterCombination), AllyErrorCategory.InvalidArgument);
        /// <summary>The provider needs an API key and none was found.</summary>
        public static readonly AllyErrorId ApiKeyRequired = new AllyErrorId(nameof(ApiKeyRequired), AllyErrorCategory.AuthenticationError);
        /// <summary>The SecretManagement vault could not be read.</summary>
        public static readonly AllyErrorId SecretVaultError = new AllyErrorId(nameof(SecretVaultError), AllyErrorCategory.AuthenticationError);
        /// <summary>Enter-AllyChat was started where nobody can type at a console (-NonInteractive, redirected input, a job, remoting, CI).</summary>
        public static readonly AllyErrorId InteractiveConsoleRequired = new AllyErrorId(nameof(InteractiveConsoleRequired), AllyErrorCategory.InvalidOperation);

        // ally.toml.
        /// <summary>An ally.toml file is not valid TOML (the error names the file, line and column).</summary>
        public static readonly AllyErrorId ConfigFileSyntax = new AllyErrorId(nameof(ConfigFileSyntax), AllyErrorCategory.InvalidData);
        /// <summary>An ally.toml file holds an API key; keys come from the environment or a vault.</summary>
        public static readonly AllyErrorId ApiKeyInConfigFile = new AllyErrorId(nameof(ApiKeyInConfigFile), AllyErrorCategory.PermissionDenied);
        /// <summary>An ally.toml file could not be read or written.</summary>
        public static readonly AllyErrorId ConfigFileAccess = new AllyErrorId(nameof(ConfigFileAccess), AllyErrorCategory.PermissionDenied);
        /// <summary>Set-AllyConfiguration was given a key ally.toml does not have.</summary>
        public static readonly AllyErrorId UnknownConfigKey = new AllyErrorId(nameof(UnknownConfigKey), AllyErrorCategory.InvalidArgument);
        /// <summary>Test-AllyConfiguration found checks that failed.</summary>
        public static readonly AllyErrorId ConfigurationInvalid = new AllyErrorId(nameof(ConfigurationInvalid), AllyErrorCategory.InvalidData);

        // Conversations.
        /// <summary>Import-AllyConversation was given a file that is not a saved conversation (or is damaged).</summary>
        public static readonly AllyErrorId NotAConversationFile = new AllyErrorId(nameof(NotAConversationFile), AllyErrorCategory.InvalidData);
        /// <summary>The conversation file was written by a newer Ally.</summary>
        public static readonly AllyErrorId UnsupportedConversationFile = new AllyErrorId(nameof(UnsupportedConversationFile), AllyErrorCategory.InvalidData);
        /// <summary>Something was given as a conversation that does not have the shape of one.</summary>
        public static readonly AllyErrorId InvalidConversation = new AllyErrorId(nameof(InvalidConversation), AllyErrorCategory.InvalidArgument);

        // Connections.
        /// <summary>No Ollama server answered at the address.</summary>
        public static readonly AllyErrorId OllamaUnreachable = new AllyErrorId(nameof(OllamaUnreachable), AllyErrorCategory.ConnectionError);
        /// <summary>OpenRouter or the OpenAI-compatible server could not be reached.</summary>
        public static readonly AllyErrorId ProviderUnreachable = new AllyErrorId(nameof(ProviderUnreachable), AllyErrorCategory.ConnectionError);
        /// <summary>The connection broke after it was made.</summary>
        public static readonly AllyErrorId ConnectionLost = new AllyErrorId(nameof(ConnectionLost), AllyErrorCategory.ConnectionError, isTransient: true);
        /// <summary>The server's certificate chain ends at a certificate authority that is not trusted (a TLS-inspecting proxy, a company CA).</summary>
        public static readonly AllyErrorId UntrustedCertificate = new AllyErrorId(nameof(UntrustedCertificate), AllyErrorCategory.SecurityError);
        /// <summary>The proxy could not be reached, refused the credentials (407) or could not open the tunnel.</summary>
        public static readonly AllyErrorId ProxyFailed = new AllyErrorId(nameof(ProxyFailed), AllyErrorCategory.ConnectionError);
        /// <summary>OLLAMA_HOST points at a server that is not Ollama (e.g. llama.cpp's).</summary>
        public static readonly AllyErrorId NotOllama = new AllyErrorId(nameof(NotOllama), AllyErrorCategory.ConnectionError);

        // What servers answer.
        /// <summary>Ollama: the model is not installed.</summary>
        public static readonly AllyErrorId ModelNotFound = new AllyErrorId(nameof(ModelNotFound), AllyErrorCategory.ObjectNotFound);
        /// <summary>400: the server rejected the request.</summary>
        public static readonly AllyErrorId InvalidRequest = new AllyErrorId(nameof(InvalidRequest), AllyErrorCategory.InvalidArgument);
        /// <summary>400 about the model id (OpenRouter).</summary>
        public static readonly AllyErrorId InvalidModel = new AllyErrorId(nameof(InvalidModel), AllyErrorCategory.InvalidArgument);
        /// <summary>The prompt does not fit the model's context window.</summary>
        public static readonly AllyErrorId ContextLengthExceeded = new AllyErrorId(nameof(ContextLengthExceeded), AllyErrorCategory.InvalidArgument);
        /// <summary>401: the API key is wrong, revoked or missing.</summary>
        public static readonly AllyErrorId InvalidApiKey = new AllyErrorId(nameof(InvalidApiKey), AllyErrorCategory.AuthenticationError);
        /// <summary>Ollama: 401 or 403 (a proxy, or a cloud model without sign-in).</summary>
        public static readonly AllyErrorId AccessDenied = new AllyErrorId(nameof(AccessDenied), AllyErrorCategory.PermissionDenied);
        /// <summary>402: out of credits.</summary>
        public static readonly AllyErrorId InsufficientCredits = new AllyErrorId(nameof(InsufficientCredits), AllyErrorCategory.QuotaExceeded);
        /// <summary>429 insufficient_quota: the account's quota is used up (OpenAI).</summary>
        public static readonly AllyErrorId InsufficientQuota = new AllyErrorId(nameof(InsufficientQuota), AllyErrorCategory.QuotaExceeded);
        /// <summary>403: refused by moderation or a guardrail.</summary>
        public static readonly AllyErrorId RequestBlocked = new AllyErrorId(nameof(RequestBlocked), AllyErrorCategory.PermissionDenied);
        /// <summary>404: the hosted model is not served now.</summary>
        public static readonly AllyErrorId ModelUnavailable = new AllyErrorId(nameof(ModelUnavailable), AllyErrorCategory.ObjectNotFound);
        /// <summary>The model needs more memory than the server has.</summary>
        public static readonly AllyErrorId InsufficientMemory = new AllyErrorId(nameof(InsufficientMemory), AllyErrorCategory.ResourceUnavailable);
        /// <summary>408 or 504: the server or its upstream timed out.</summary>
        public static readonly AllyErrorId ProviderTimeout = new AllyErrorId(nameof(ProviderTimeout), AllyErrorCategory.OperationTimeout, isTransient: true);
        /// <summary>429: too many requests.</summary>
        public static readonly AllyErrorId RateLimited = new AllyErrorId(nameof(RateLimited), AllyErrorCategory.ResourceBusy, isTransient: true);
        /// <summary>Ollama 503: its request queue is full.</summary>
        public static readonly AllyErrorId ServerBusy = new AllyErrorId(nameof(ServerBusy), AllyErrorCategory.ResourceBusy, isTransient: true);
        /// <summary>502: a gateway or the model's provider failed.</summary>
        public static readonly AllyErrorId UpstreamError = new AllyErrorId(nameof(UpstreamError), AllyErrorCategory.ProviderError, isTransient: true);
        /// <summary>503: no provider can serve the model now.</summary>
        public static readonly AllyErrorId ServiceUnavailable = new AllyErrorId(nameof(ServiceUnavailable), AllyErrorCategory.ResourceBusy, isTransient: true);
        /// <summary>Any other error the server answered with.</summary>
        public static readonly AllyErrorId ProviderError = new AllyErrorId(nameof(ProviderError), AllyErrorCategory.ProviderError);

        // During the answer, and limits.
        /// <summary>The server reported an error in the middle of the answer.</summary>
        public static readonly AllyErrorId StreamError = new AllyErrorId(nameof(StreamError), AllyErrorCategory.ProviderError);
        /// <summary>The answer stopped before it was complete.</summary>
        public static readonly AllyErrorId StreamTruncated = new AllyErrorId(nameof(StreamTruncated), AllyErrorCategory.ProviderError);
        /// <summary>A line of the streamed answer could not be read.</summary>
        public static readonly AllyErrorId MalformedStream = new AllyErrorId(nameof(MalformedStream), AllyErrorCategory.InvalidData);
        /// <summary>A (non-streamed) response could not be read.</summary>
        public static readonly AllyErrorId InvalidResponse = new AllyErrorId(nameof(InvalidResponse), AllyErrorCategory.InvalidData);
        /// <summary>The request took longer than -TimeoutSec.</summary>
        public static readonly AllyErrorId RequestTimeout = new AllyErrorId(nameof(RequestTimeout), AllyErrorCategory.OperationTimeout);
        /// <summary>A -ForEach run reached -MaxCost.</summary>
        public static readonly AllyErrorId CostLimitReached = new AllyErrorId(nameof(CostLimitReached), AllyErrorCategory.QuotaExceeded);

        // Model management.
        /// <summary>A pull broke off or Ollama reported an error during it.</summary>
        public static readonly AllyErrorId PullFailed = new AllyErrorId(nameof(PullFailed), AllyErrorCategory.ProviderError);
        /// <summary>Get-AllyModel -Running: no loaded model has that name.</summary>
        public static readonly AllyErrorId ModelNotLoaded = new AllyErrorId(nameof(ModelNotLoaded), AllyErrorCategory.ObjectNotFound);
        /// <summary>Get-AllyModel -Recommended: no recommendation has that name.</summary>
        public static readonly AllyErrorId ModelNotRecommended = new AllyErrorId(nameof(ModelNotRecommended), AllyErrorCategory.ObjectNotFound);

        // Tools and structured output.
        /// <summary>The model cannot call tools (-Tool with a model without tool support).</summary>
        public static readonly AllyErrorId ToolsNotSupported = new AllyErrorId(nameof(ToolsNotSupported), AllyErrorCategory.InvalidArgument);
        /// <summary>-Tool names something that cannot be offered as a tool.</summary>
        public static readonly AllyErrorId InvalidTool = new AllyErrorId(nameof(InvalidTool), AllyErrorCategory.InvalidArgument);
        /// <summary>-Schema is not a JSON Schema Ally can use.</summary>
        public static readonly AllyErrorId InvalidSchema = new AllyErrorId(nameof(InvalidSchema), AllyErrorCategory.InvalidArgument);
        /// <summary>The answer was not JSON of the asked shape, even after asking again.</summary>
        public static readonly AllyErrorId StructuredOutputInvalid = new AllyErrorId(nameof(StructuredOutputInvalid), AllyErrorCategory.InvalidData);

        // Embeddings.
        /// <summary>The model cannot make embeddings (a chat model given to New-AllyEmbedding).</summary>
        public static readonly AllyErrorId EmbeddingNotSupported = new AllyErrorId(nameof(EmbeddingNotSupported), AllyErrorCategory.InvalidArgument);
        /// <summary>An input is longer than the embedding model takes, and -ChunkSize was not given.</summary>
        public static readonly AllyErrorId InputTooLong = new AllyErrorId(nameof(InputTooLong), AllyErrorCategory.InvalidArgument);
        /// <summary>An input has no text to embed.</summary>
        public static readonly AllyErrorId EmptyInput = new AllyErrorId(nameof(EmptyInput), AllyErrorCategory.InvalidArgument);
        /// <summary>-Dimensions for a model that cannot shorten its vectors.</summary>
        public static readonly AllyErrorId DimensionsNotSupported = new AllyErrorId(nameof(DimensionsNotSupported), AllyErrorCategory.InvalidArgument);
        /// <summary>Embeddings of different models or sizes in one search or one saved set.</summary>
        public static readonly AllyErrorId IncompatibleEmbeddings = new AllyErrorId(nameof(IncompatibleEmbeddings), AllyErrorCategory.InvalidArgument);
        /// <summary>Import-AllyEmbedding: the file is not an Ally embedding set.</summary>
        public static readonly AllyErrorId NotAnEmbeddingFile = new AllyErrorId(nameof(NotAnEmbeddingFile), AllyErrorCategory.InvalidData);
        /// <summary>Import-AllyEmbedding: the file was written by a newer Ally.</summary>
        public static readonly AllyErrorId UnsupportedEmbeddingFile = new AllyErrorId(nameof(UnsupportedEmbeddingFile), AllyErrorCategory.InvalidData);
        /// <summary>Import-AllyEmbedding: the file is cut short or its contents do not match its checksum.</summary>
        public static readonly AllyErrorId EmbeddingFileDamaged = new AllyErrorId(nameof(EmbeddingFileDamaged), AllyErrorCategory.InvalidData);

        /// <summary>Every id, in the order above.</summary>
        public static IReadOnlyList<AllyErrorId> All { get; } = typeof(ErrorIds).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(AllyErrorId)).Select(f => (AllyErrorId)f.GetValue(null)!).ToList();

        /// <summary>The name of the PowerShell ErrorCategory an Ally category is reported as.</summary>
        public static string PowerShellCategory(AllyErrorCategory category) => category switch
        {
            AllyErrorCategory.ProviderError => "InvalidResult",
            _ => category.ToString(),
        };
    }
}
