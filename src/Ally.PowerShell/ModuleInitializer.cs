using System;
using System.IO;
using System.Management.Automation;
using System.Reflection;

namespace Ally.PowerShell
{
    /// <summary>
    /// Keeps Ally's third-party assemblies (OllamaSharp, Microsoft.Extensions.AI, …) away from other
    /// modules' copies. They live in the module's Dependencies folder, which PowerShell never probes;
    /// when Ally.PowerShell first needs Ally.Core, it is loaded into Ally's own AssemblyLoadContext
    /// and pulls its dependencies from that folder (a private resolver on Windows PowerShell).
    /// </summary>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        internal static readonly string DependencyFolder =
            Path.Combine(Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location) ?? ".", "Dependencies");

        private static readonly bool IsNetFramework =
            System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal);

        /// <summary>Installs the resolver when the module is imported.</summary>
        public void OnImport()
        {
            if (IsNetFramework) AppDomain.CurrentDomain.AssemblyResolve += ResolveOnNetFramework;
            else DependencyLoadContext.Register(DependencyFolder);
        }

        /// <summary>Removes the resolver when the module is removed.</summary>
        public void OnRemove(PSModuleInfo psModuleInfo)
        {
            if (IsNetFramework) AppDomain.CurrentDomain.AssemblyResolve -= ResolveOnNetFramework;
            else DependencyLoadContext.Unregister();
        }

        private static Assembly? ResolveOnNetFramework(object? sender, ResolveEventArgs args)
        {
            string path = Path.Combine(DependencyFolder, new AssemblyName(args.Name).Name + ".dll");
            return File.Exists(path) ? Assembly.LoadFrom(path) : null;
        }
    }
}
