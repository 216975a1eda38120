using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace Ally.PowerShell
{
    /// <summary>
    /// Ally's private AssemblyLoadContext (PowerShell 7+). Ally.Core and its dependencies load here,
    /// so another module's OllamaSharp or Microsoft.Extensions.AI in the default context neither
    /// breaks Ally nor is broken by it. An assembly the runtime itself ships at the same or a higher
    /// version (System.Text.Json on .NET 10, System.Memory, …) is shared from the default context
    /// instead: loading netstandard copies of framework assemblies would split core types. Ally.Types,
    /// the public types, is loaded by PowerShell in the default context and handed to Ally.Core as is.
    /// </summary>
    internal sealed class DependencyLoadContext : AssemblyLoadContext
    {
        private static DependencyLoadContext? s_instance;
        private static readonly Assembly PublicTypes = typeof(AllyException).Assembly;
        private static readonly object s_lock = new object();

        private readonly string _folder;
        private readonly Dictionary<string, string> _platformAssemblies;

        private DependencyLoadContext(string folder)
        {
            _folder = folder;
            _platformAssemblies = ReadPlatformAssemblies();
        }

        internal static void Register(string folder)
        {
            lock (s_lock)
            {
                if (s_instance is null) s_instance = new DependencyLoadContext(folder);
                Default.Resolving -= ResolveAllyCore;
                Default.Resolving += ResolveAllyCore;
            }
        }

        internal static void Unregister() => Default.Resolving -= ResolveAllyCore;

        /// <summary>The default context asks for Ally.Core (it is not beside Ally.PowerShell): serve it from ours.</summary>
        private static Assembly? ResolveAllyCore(AssemblyLoadContext context, AssemblyName name)
        {
            if (!string.Equals(name.Name, "Ally.Core", StringComparison.Ordinal) || s_instance is null) return null;
            return s_instance.LoadFromAssemblyName(name);
        }

        protected override Assembly? Load(AssemblyName name)
        {
            if (name.Name is null) return null;
            // Ally's public types live in the default context (scripts name them); Ally.Core gets that same copy.
            if (string.Equals(name.Name, PublicTypes.GetName().Name, StringComparison.Ordinal)) return PublicTypes;
            string path = Path.Combine(_folder, name.Name + ".dll");
            if (!File.Exists(path)) return null;
            if (_platformAssemblies.TryGetValue(name.Name, out string? platformPath) && PlatformHasAtLeast(platformPath, name.Version)) return null;
            return LoadFromAssemblyPath(path);
        }

        private static bool PlatformHasAtLeast(string platformPath, Version? wanted)
        {
            try
            {
                Version? have = AssemblyName.GetAssemblyName(platformPath).Version;
                return wanted is null || (have != null && have >= wanted);
            }
            catch (Exception ex) when (ex is IOException || ex is BadImageFormatException)
            {
                return false;
            }
        }

        /// <summary>The runtime's and PowerShell's own assemblies (the trusted platform assemblies list).</summary>
        private static Dictionary<string, string> ReadPlatformAssemblies()
        {
            var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") is string list)
            {
                foreach (string path in list.Split(Path.PathSeparator))
                {
                    if (path.Length > 0) result[Path.GetFileNameWithoutExtension(path)] = path;
                }
            }
            return result;
        }
    }
}
