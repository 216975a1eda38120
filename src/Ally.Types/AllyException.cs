using System;

namespace Ally
{
    /// <summary>
    /// The one exception type Ally throws for failures a user can act on. It carries a stable error id
    /// from <see cref="ErrorIds"/>, a category, the remedy, and whatever part of an answer had
    /// already arrived. Scripts can <c>catch [Ally.AllyException]</c>.
    /// </summary>
    public class AllyException : Exception
    {
        /// <summary>Creates an Ally failure of the kind <paramref name="id"/> names.</summary>
        public AllyException(AllyErrorId id, string message, string? remedy = null, Exception? innerException = null)
            : base(remedy is null ? message : message + " " + remedy, innerException)
        {
            Id = id ?? throw new ArgumentNullException(nameof(id));
            Remedy = remedy;
            Problem = message;
            IsTransient = id.IsTransient;
        }

        /// <summary>The entry of the error catalogue.</summary>
        public AllyErrorId Id { get; }

        /// <summary>What went wrong, without the remedy.</summary>
        public string Problem { get; }

        /// <summary>Stable PascalCase id, used as the ErrorRecord's FullyQualifiedErrorId.</summary>
        public string ErrorId => Id.Name;

        /// <summary>What kind of failure this is.</summary>
        public AllyErrorCategory Category => Id.Category;

        /// <summary>What the user can do about it (also part of <see cref="Exception.Message"/>).</summary>
        public string? Remedy { get; }

        /// <summary>The server's own error text (shortened), when the server sent one.</summary>
        public string? ServerMessage { get; internal set; }

        /// <summary>HTTP status code of the failed response, when there was one.</summary>
        public int? StatusCode { get; internal set; }

        /// <summary>True when trying again may succeed (rate limits, busy or flaky servers, dropped connections).</summary>
        public bool IsTransient { get; internal set; }

        /// <summary>How long the server asked to wait before trying again (Retry-After), if it said.</summary>
        public TimeSpan? RetryAfter { get; internal set; }

        /// <summary>How many attempts were made, retries included.</summary>
        public int Attempts { get; internal set; } = 1;

        /// <summary>What was received before the failure (content, thinking), or null when nothing was.</summary>
        public ChatResponse? PartialResponse { get; internal set; }
    }
}
