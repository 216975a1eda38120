using Microsoft.AspNetCore.Routing;

namespace Ally.FakeServers.OpenRouter;

// The model catalog: GET /api/v1/models (protocols §3.7). To be filled in.
internal sealed partial class FakeOpenRouter
{
    private void MapModelRoutes(IEndpointRouteBuilder routes) { }

    private void MapModelControl(IEndpointRouteBuilder control) { }

    private void ResetModels() { }
}
