using System.Threading;
using Ally.FakeServers.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Ally.FakeServers.OpenRouter;

/// <summary>
/// A fake OpenRouter API (reference/protocols.md §3) under <c>/api/v1/</c>, beside the Ollama routes
/// on the same port: point <c>ALLY_OPENROUTER_BASE_URL</c> at <c>http://127.0.0.1:PORT/api/v1</c>.
/// Split over partial files by endpoint family: the model catalog (<c>FakeOpenRouter.Models.cs</c>)
/// and chat completions plus key information (<c>FakeOpenRouter.Chat.cs</c>).
/// </summary>
internal sealed partial class FakeOpenRouter(BehaviorStore behavior, CancellationToken stopping) : IFakeProvider
{
    /// <summary>Where the API lives, as in https://openrouter.ai/api/v1.</summary>
    public const string BasePath = "/api/v1";

    public void MapRoutes(IEndpointRouteBuilder routes)
    {
        MapModelRoutes(routes);
        MapChatRoutes(routes);
    }

    public void MapControl(IEndpointRouteBuilder control)
    {
        MapModelControl(control);
        MapChatControl(control);
    }

    public void Reset()
    {
        ResetModels();
        ResetChat();
    }

    private CancellationToken Stopping => stopping;
    private BehaviorStore Behavior => behavior;
}
