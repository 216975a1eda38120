using System;

namespace Ally.Tools
{
    /// <summary>How servers say a model cannot call tools.</summary>
    internal static class ToolErrors
    {
        /// <summary>
        /// True for: Ollama's 400 "&lt;model&gt; does not support tools" (protocols §1.3), OpenRouter's 404
        /// "No endpoints found that support tool use", and older llama.cpp's 500 "Cannot use tools with stream" (§3.13).
        /// </summary>
        public static bool IsToolsNotSupported(string? message) =>
            message != null && (message.IndexOf("does not support tools", StringComparison.OrdinalIgnoreCase) >= 0
                || message.IndexOf("support tool use", StringComparison.OrdinalIgnoreCase) >= 0
                || message.IndexOf("Cannot use tools", StringComparison.OrdinalIgnoreCase) >= 0);
    }
}
