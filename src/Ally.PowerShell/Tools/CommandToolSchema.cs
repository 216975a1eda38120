using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Security;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Ally.PowerShell.Tools
{
    /// <summary>
    /// A command's parameters as the JSON Schema of a tool: one parameter set (the default, else the
    /// first), each parameter typed from its .NET type, required when mandatory, described from its
    /// help, and narrowed by its validation attributes (ValidateSet → enum, ValidateRange →
    /// minimum/maximum, ValidateLength, ValidateCount, ValidatePattern). Common parameters, -WhatIf and
    /// -Confirm are never offered: the model cannot turn off a confirmation.
    /// </summary>
    internal static class CommandToolSchema
    {
        private static readonly HashSet<string> NeverOffered = new HashSet<string>(
            Cmdlet.CommonParameters.Concat(Cmdlet.OptionalCommonParameters).Concat(new[] { "WhatIf", "Confirm", "UseTransaction" }), StringComparer.OrdinalIgnoreCase);

        /// <summary>The parameter set a tool uses.</summary>
        public static CommandParameterSetInfo ParameterSet(CommandInfo command) =>
            command.ParameterSets.FirstOrDefault(s => s.IsDefault) ?? command.ParameterSets.FirstOrDefault()
            ?? throw new AllyException(ErrorIds.InvalidTool, Messages.NoParameterSets(command.Name), Messages.InvalidToolRemedy);

        /// <summary>
        /// The parameters the model may give (name → .NET type) and the schema text. Throws InvalidTool for a
        /// mandatory parameter a model cannot fill (a script block, a credential).
        /// </summary>
        public static string Build(CommandInfo command, CommandParameterSetInfo set, IReadOnlyDictionary<string, string> help, out Dictionary<string, Type> offered)
        {
            offered = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase);
            using var buffer = new MemoryStream();
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                json.WriteString("type", "object");
                json.WriteStartObject("properties");
                var required = new List<string>();
                foreach (CommandParameterInfo parameter in set.Parameters)
                {
                    if (NeverOffered.Contains(parameter.Name)) continue;
                    Type type = Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType;
                    if (!Offerable(type, parameter.IsMandatory))
                    {
                        if (parameter.IsMandatory)
                            throw new AllyException(ErrorIds.InvalidTool,
                                Messages.UnfillableParameter(command.Name, parameter.Name, type.Name), Messages.InvalidToolRemedy);
                        continue;
                    }
                    offered[parameter.Name] = type;
                    json.WriteStartObject(parameter.Name);
                    IList<string>? values = parameter.Attributes.OfType<ValidateSetAttribute>().FirstOrDefault()?.ValidValues;
                    WriteType(json, type, values);
                    WriteValidation(json, parameter.Attributes);
                    string? description = help.TryGetValue(parameter.Name, out string? text) ? text : parameter.HelpMessage;
                    if (!string.IsNullOrWhiteSpace(description)) json.WriteString("description", Clip(description!, 300));
                    json.WriteEndObject();
                    if (parameter.IsMandatory) required.Add(parameter.Name);
                }
                json.WriteEndObject();
                if (required.Count > 0)
                {
                    json.WriteStartArray("required");
                    foreach (string name in required) json.WriteStringValue(name);
                    json.WriteEndArray();
                }
                json.WriteEndObject();
            }
            return Encoding.UTF8.GetString(buffer.ToArray());
        }

        /// <summary>Types a model can give as JSON: text, numbers, booleans, dates, enums, lists and tables of them, anything (object); others only when mandatory (as text PowerShell converts).</summary>
        private static bool Offerable(Type type, bool mandatory)
        {
            if (typeof(ScriptBlock).IsAssignableFrom(type) || typeof(Delegate).IsAssignableFrom(type) || type == typeof(PSCredential) || type == typeof(SecureString))
                return false;
            if (Simple(type) || type == typeof(object) || type == typeof(PSObject) || typeof(IDictionary).IsAssignableFrom(type)) return true;
            if (type.IsArray) return Offerable(type.GetElementType()!, mandatory);
            return mandatory;
        }

        private static bool Simple(Type type) =>
            type == typeof(string) || type == typeof(char) || type == typeof(bool) || type == typeof(SwitchParameter) || type.IsEnum || Integer(type) || Number(type)
            || type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(TimeSpan) || type == typeof(Guid) || type == typeof(Uri);

        private static bool Integer(Type t) =>
            t == typeof(int) || t == typeof(long) || t == typeof(short) || t == typeof(byte) || t == typeof(uint) || t == typeof(ulong) || t == typeof(ushort) || t == typeof(sbyte);

        private static bool Number(Type t) => t == typeof(double) || t == typeof(float) || t == typeof(decimal);

        private static void WriteType(Utf8JsonWriter json, Type type, IList<string>? set)
        {
            if (type == typeof(bool) || type == typeof(SwitchParameter)) json.WriteString("type", "boolean");
            else if (Integer(type)) json.WriteString("type", "integer");
            else if (Number(type)) json.WriteString("type", "number");
            else if (type.IsEnum)
            {
                json.WriteString("type", "string");
                json.WriteStartArray("enum");
                foreach (string name in Enum.GetNames(type)) json.WriteStringValue(name);
                json.WriteEndArray();
            }
            else if (type.IsArray)
            {
                json.WriteString("type", "array");
                json.WriteStartObject("items");
                WriteType(json, type.GetElementType()!, set);
                json.WriteEndObject();
                return;
            }
            else if (typeof(IDictionary).IsAssignableFrom(type)) json.WriteString("type", "object");
            else if (type == typeof(object) || type == typeof(PSObject)) { /* any JSON value */ }
            else
            {
                json.WriteString("type", "string");
                if (type == typeof(DateTime) || type == typeof(DateTimeOffset)) json.WriteString("format", "date-time");
            }
            if (set != null && !type.IsEnum)
            {
                json.WriteStartArray("enum");
                foreach (string value in set) json.WriteStringValue(value);
                json.WriteEndArray();
            }
        }

        private static void WriteValidation(Utf8JsonWriter json, IEnumerable<Attribute> attributes)
        {
            foreach (Attribute attribute in attributes)
            {
                switch (attribute)
                {
                    case ValidateRangeAttribute range when range.MinRange != null && range.MaxRange != null:
                        if (ToNumber(range.MinRange) is double min) json.WriteNumber("minimum", min);
                        if (ToNumber(range.MaxRange) is double max) json.WriteNumber("maximum", max);
                        break;
                    case ValidateLengthAttribute length:
                        json.WriteNumber("minLength", length.MinLength);
                        json.WriteNumber("maxLength", length.MaxLength);
                        break;
                    case ValidateCountAttribute count:
                        json.WriteNumber("minItems", count.MinLength);
                        json.WriteNumber("maxItems", count.MaxLength);
                        break;
                    case ValidatePatternAttribute pattern:
                        json.WriteString("pattern", pattern.RegexPattern);
                        break;
                }
            }
        }

        private static double? ToNumber(object value)
        {
            try
            {
                double number = Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture);
                return double.IsInfinity(number) || double.IsNaN(number) ? (double?)null : number;
            }
            catch (Exception ex) when (ex is FormatException || ex is InvalidCastException || ex is OverflowException)
            {
                return null;
            }
        }

        /// <summary>A tool name the APIs take (letters, digits, _ and -, at most 64): the command's, with anything else as _.</summary>
        public static string ToolName(string commandName)
        {
            string name = Regex.Replace(commandName, "[^A-Za-z0-9_-]", "_");
            return name.Length > 64 ? name.Substring(0, 64) : name;
        }

        internal static string Clip(string text, int max)
        {
            text = Regex.Replace(text.Trim(), @"\s+", " ");
            return text.Length <= max ? text : text.Substring(0, max - 1) + "…";
        }

    }
}
