using System;
using System.Linq;
using System.Management.Automation;
using Ally.Providers;

namespace Ally.PowerShell.Completers
{
    /// <summary>
    /// Checks a -Provider value against the provider registry at binding time, and optionally that the
    /// provider can do one of <see cref="Capabilities"/> (names of <see cref="ProviderCapabilities"/>,
    /// kept as strings so that reading the attribute never loads Ally.Core).
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class ValidateProviderAttribute : ValidateArgumentsAttribute
    {
        /// <summary>Any known provider.</summary>
        public ValidateProviderAttribute() : this(Array.Empty<string>()) { }

        /// <summary>A provider that can do one of <paramref name="capabilities"/>.</summary>
        public ValidateProviderAttribute(params string[] capabilities) => Capabilities = capabilities;

        /// <summary>The capabilities, one of which the provider must have.</summary>
        public string[] Capabilities { get; }

        /// <inheritdoc />
        protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
        {
            string name = (arguments is PSObject ps ? ps.BaseObject : arguments)?.ToString() ?? string.Empty;
            ProviderCapabilities wanted = Capabilities.Aggregate(ProviderCapabilities.None,
                (all, c) => all | (ProviderCapabilities)Enum.Parse(typeof(ProviderCapabilities), c));
            var allowed = ProviderRegistry.All.Where(p => wanted == ProviderCapabilities.None || (p.Capabilities & wanted) != 0).ToList();
            if (ProviderRegistry.Find(name) is ProviderDescriptor provider && allowed.Contains(provider)) return;
            throw new ValidationMetadataException(Messages.InvalidSettingValue("'" + Messages.Excerpt(name, 60) + "'", "-Provider",
                ProviderRegistry.Find(name) is null ? Messages.NotAProvider : Messages.ProviderCannotList) + " " + Messages.KnownProviders(allowed.Select(p => p.Name)));
        }
    }
}
