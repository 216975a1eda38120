using Microsoft.AspNetCore.Routing;

namespace Ally.FakeServers.OpenRouter;

// Chat completions (SSE) and key information: protocols §3.1–3.6, 3.8–3.10. To be filled in.
internal sealed partial class FakeOpenRouter
{
    private void MapChatRoutes(IEndpointRouteBuilder routes) { }

    private void MapChatControl(IEndpointRouteBuilder control) { }

    private void ResetChat() { }
}
