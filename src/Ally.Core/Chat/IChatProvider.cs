using System.Threading;
using System.Threading.Tasks;

namespace Ally
{
    /// <summary>
    /// A chat backend, made by its provider's descriptor. It streams what it receives into the
    /// <see cref="ChatAccumulator"/>, so that whatever arrived before a failure is never lost, and
    /// throws <see cref="AllyException"/> for failures a user can act on.
    /// </summary>
    public interface IChatProvider
    {
        /// <summary>The provider's name, as users type it (ollama).</summary>
        string Name { get; }

        /// <summary>Sends the request and streams the answer into <paramref name="answer"/>.</summary>
        Task CompleteAsync(ChatRequest request, ChatAccumulator answer, CancellationToken cancellationToken);
    }
}
