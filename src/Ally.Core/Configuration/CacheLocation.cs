using System;
using System.IO;

namespace Ally.Configuration
{
    /// <summary>Where Ally keeps its caches: ALLY_CACHE_DIR, else &lt;local application data&gt;/Ally/cache.</summary>
    public static class CacheLocation
    {
        /// <summary>
        /// The cache folder. The default is the user's local data folder (on Linux $XDG_DATA_HOME or
        /// ~/.local/share, on macOS ~/Library/Application Support, on Windows %LOCALAPPDATA%) plus
        /// Ally/cache; the temporary folder when the system names none.
        /// </summary>
        public static string Resolve(SettingsResolver settings)
        {
            string? configured = settings.Resolve(AllySettings.CacheDirectory).Value;
            if (!string.IsNullOrWhiteSpace(configured)) return configured!;
            string data = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
            if (string.IsNullOrEmpty(data)) data = Path.GetTempPath();
            return Path.Combine(data, "Ally", "cache");
        }
    }
}
