using System;

namespace Ally.Tools
{
    /// <summary>A tool offered to the model: its name, what it does, and its parameters as a JSON Schema object.</summary>
    public sealed class ToolDefinition
    {
        /// <summary>Creates a definition.</summary>
        /// <param name="name">The name the model calls it by (letters, digits, _ and -, at most 64).</param>
        /// <param name="description">What it does, for the model.</param>
        /// <param name="parameters">JSON Schema text of an object: its properties are the parameters.</param>
        public ToolDefinition(string name, string description, string parameters)
        {
            Name = name ?? throw new ArgumentNullException(nameof(name));
            Description = description ?? string.Empty;
            Parameters = parameters ?? throw new ArgumentNullException(nameof(parameters));
        }

        /// <summary>The name the model calls it by.</summary>
        public string Name { get; }
        /// <summary>What it does.</summary>
        public string Description { get; }
        /// <summary>The parameters, as JSON Schema text.</summary>
        public string Parameters { get; }
    }
}
