using System;
using System.Collections.Generic;

namespace Ally.Configuration
{
    /// <summary>
    /// Values chosen while a command runs rather than given as its parameters — a conversation's own
    /// provider and model, the chat's /model and /provider — each with the origin messages name it by
    /// ("'x' (from /model) cannot be used …"). Put first, it wins over the parameters.
    /// </summary>
    public sealed class ChosenSource : ISettingSource
    {
        private readonly Dictionary<string, (object Value, SettingOrigin Origin)> _values =
            new Dictionary<string, (object, SettingOrigin)>(StringComparer.OrdinalIgnoreCase);

        /// <summary>Chooses <paramref name="value"/> for the setting whose parameter is <paramref name="parameterName"/>, coming from <paramref name="origin"/>.</summary>
        public ChosenSource Set(string parameterName, object value, SettingOrigin origin)
        {
            _values[parameterName] = (value, origin);
            return this;
        }

        /// <inheritdoc />
        public bool TryGet(Setting setting, out object raw, out SettingOrigin origin)
        {
            if (_values.TryGetValue(setting.ParameterName, out var chosen))
            {
                raw = chosen.Value;
                origin = chosen.Origin;
                return true;
            }
            raw = null!;
            origin = SettingOrigin.Default;
            return false;
        }
    }
}
