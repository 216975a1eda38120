using Microsoft.AspNetCore.Routing;

namespace Ally.FakeServers;

/// <summary>
/// One faked provider (Ollama, OpenRouter, OpenAI embeddings, llama.cpp's server). Each maps its
/// own wire routes and any provider-specific control routes, and knows how to return to its default
/// state, so adding a provider is one new class plus one line in <see cref="Program"/> (for the flavor
/// that serves it).
/// </summary>
internal interface IFakeProvider
{
    /// <summary>Maps the provider's protocol endpoints (e.g. <c>/api/chat</c>).</summary>
    void MapRoutes(IEndpointRouteBuilder routes);

    /// <summary>Maps provider-specific control endpoints under <c>/_fake/</c> (e.g. the model catalog).</summary>
    void MapControl(IEndpointRouteBuilder control);

    /// <summary>Back to the default catalog and state (<c>POST /_fake/reset</c>).</summary>
    void Reset();
}
