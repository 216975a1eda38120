using System.Runtime.CompilerServices;

namespace Ally.Async
{
    /// <summary>
    /// For methods that run once per streamed piece. Marked methods are compiled optimised at once
    /// instead of starting as tier-0 code: a session's first long answer would otherwise run its
    /// per-piece work unoptimised for much of the answer (the runtime waits for startup's steady
    /// stream of new methods to end before it recompiles hot ones).
    /// </summary>
    internal static class HotPath
    {
        /// <summary>MethodImplOptions.AggressiveOptimization (not named in netstandard2.0; honoured by .NET Core 3 and later).</summary>
        public const MethodImplOptions Optimize = (MethodImplOptions)512;
    }
}
