namespace Ally
{
    /// <summary>
    /// What kind of failure an <see cref="AllyException"/> is. Each value stands for one PowerShell
    /// ErrorCategory (<see cref="ErrorIds.PowerShellCategory"/>), so the library stays free of
    /// PowerShell types while its errors carry the right category.
    /// </summary>
    public enum AllyErrorCategory
    {
        /// <summary>Bad input or settings, found before any network call.</summary>
        InvalidArgument,
        /// <summary>The provider could not be reached, or the connection broke.</summary>
        ConnectionError,
        /// <summary>The model (or another named object) does not exist.</summary>
        ObjectNotFound,
        /// <summary>The request did not finish within the time limit.</summary>
        OperationTimeout,
        /// <summary>The provider is busy or rate limited.</summary>
        ResourceBusy,
        /// <summary>The provider lacks a resource the request needs (memory for the model).</summary>
        ResourceUnavailable,
        /// <summary>The provider refused the credentials.</summary>
        AuthenticationError,
        /// <summary>The provider refused the request for lack of rights or by policy.</summary>
        PermissionDenied,
        /// <summary>Out of credit, or a spending limit was reached.</summary>
        QuotaExceeded,
        /// <summary>The provider sent something Ally could not read.</summary>
        InvalidData,
        /// <summary>The provider reported a failure of its own.</summary>
        ProviderError,
        /// <summary>The server could not be trusted (its certificate chain ends at an unknown authority).</summary>
        SecurityError,
        /// <summary>The command cannot run in this session (an interactive command where nobody can type).</summary>
        InvalidOperation,
    }
}
