using System;
using System.Globalization;
using System.Text.Json;
using Ally.FakeServers.Infrastructure;

namespace Ally.FakeServers.Ollama;

/// <summary>
/// Decodes a request body the way Ollama's handlers do (<c>c.ShouldBindJSON</c>, i.e. Go's
/// <c>json.Decoder</c>), so the 400 bodies carry Go's messages: an empty body is <c>io.EOF</c>
/// (the handlers turn it into <c>missing request body</c>), a broken body gives
/// <c>invalid character 'x' looking for beginning of value</c> or <c>unexpected EOF</c>, and only the
/// first JSON value is read (trailing bytes are ignored, as the decoder does).
/// </summary>
internal static class GoJsonDecoder
{
    public enum Outcome
    {
        Ok,
        Empty,
        Invalid,
    }

    /// <summary>Decodes the first JSON value of <paramref name="body"/>.</summary>
    /// <returns>The outcome; on <see cref="Outcome.Invalid"/> <paramref name="error"/> holds Go's message.</returns>
    public static Outcome Decode(ReadOnlySpan<byte> body, out JsonDocument? document, out string? error)
    {
        document = null;
        error = null;

        var scanner = new Scanner(body);
        scanner.SkipWhitespace();
        if (scanner.AtEnd)
        {
            return Outcome.Empty;
        }

        var start = scanner.Position;
        if (!scanner.TryScanValue(out error))
        {
            return Outcome.Invalid;
        }

        try
        {
            // The scanner accepted the bytes, so the only failures left are ones Go tolerates and
            // .NET does not (such as invalid UTF-8 inside strings); report them in Go's wording anyway.
            document = JsonDocument.Parse(body[start..scanner.Position].ToArray(), FakeJson.DocumentOptions);
            return Outcome.Ok;
        }
        catch (JsonException ex)
        {
            error = "invalid character in JSON: " + ex.Message;
            return Outcome.Invalid;
        }
    }

    /// <summary>
    /// Go's text for a type mismatch on a struct field, e.g.
    /// <c>json: cannot unmarshal number into Go struct field ChatRequest.model of type string</c>.
    /// </summary>
    public static string TypeError(JsonElement value, string goStruct, string field, string goType)
    {
        var kind = FakeJson.GoKindName(value.ValueKind);
        if (value.ValueKind == JsonValueKind.Number && goType is "int" or "int64")
        {
            // Go names the offending literal when a number does not fit an integer field.
            kind = "number " + value.GetRawText();
        }

        return $"json: cannot unmarshal {kind} into Go struct field {goStruct}.{field} of type {goType}";
    }

    /// <summary>Go's text when the whole body has the wrong JSON type, e.g. an array.</summary>
    public static string RootTypeError(JsonElement value, string goType) =>
        $"json: cannot unmarshal {FakeJson.GoKindName(value.ValueKind)} into Go value of type {goType}";

    /// <summary>
    /// A syntax checker that reports errors with the contexts of Go's <c>encoding/json</c> scanner
    /// (scanner.go), so that tests see the same messages a real server sends.
    /// </summary>
    private ref struct Scanner
    {
        private readonly ReadOnlySpan<byte> _data;
        private int _position;

        public Scanner(ReadOnlySpan<byte> data)
        {
            _data = data;
            _position = 0;
        }

        public readonly int Position => _position;

        public readonly bool AtEnd => _position >= _data.Length;

        public void SkipWhitespace()
        {
            while (_position < _data.Length && _data[_position] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
            {
                _position++;
            }
        }

        public bool TryScanValue(out string? error)
        {
            error = null;
            if (AtEnd)
            {
                error = "unexpected EOF";
                return false;
            }

            var c = _data[_position];
            switch (c)
            {
                case (byte)'{':
                    return TryScanObject(out error);
                case (byte)'[':
                    return TryScanArray(out error);
                case (byte)'"':
                    return TryScanString(out error);
                case (byte)'-':
                case >= (byte)'0' and <= (byte)'9':
                    return TryScanNumber(out error);
                case (byte)'t':
                    return TryScanLiteral("true", out error);
                case (byte)'f':
                    return TryScanLiteral("false", out error);
                case (byte)'n':
                    return TryScanLiteral("null", out error);
                default:
                    error = Invalid(c, "looking for beginning of value");
                    return false;
            }
        }

        private bool TryScanObject(out string? error)
        {
            _position++; // '{'
            SkipWhitespace();
            if (AtEnd)
            {
                error = "unexpected EOF";
                return false;
            }

            if (_data[_position] == '}')
            {
                _position++;
                error = null;
                return true;
            }

            while (true)
            {
                if (AtEnd)
                {
                    error = "unexpected EOF";
                    return false;
                }

                if (_data[_position] != '"')
                {
                    error = Invalid(_data[_position], "looking for beginning of object key string");
                    return false;
                }

                if (!TryScanString(out error))
                {
                    return false;
                }

                SkipWhitespace();
                if (AtEnd)
                {
                    error = "unexpected EOF";
                    return false;
                }

                if (_data[_position] != ':')
                {
                    error = Invalid(_data[_position], "after object key");
                    return false;
                }

                _position++;
                SkipWhitespace();
                if (!TryScanValue(out error))
                {
                    return false;
                }

                SkipWhitespace();
                if (AtEnd)
                {
                    error = "unexpected EOF";
                    return false;
                }

                var c = _data[_position];
                if (c == ',')
                {
                    _position++;
                    SkipWhitespace();
                    continue;
                }

                if (c == '}')
                {
                    _position++;
                    return true;
                }

                error = Invalid(c, "after object key:value pair");
                return false;
            }
        }

        private bool TryScanArray(out string? error)
        {
            _position++; // '['
            SkipWhitespace();
            if (AtEnd)
            {
                error = "unexpected EOF";
                return false;
            }

            if (_data[_position] == ']')
            {
                _position++;
                error = null;
                return true;
            }

            while (true)
            {
                if (!TryScanValue(out error))
                {
                    return false;
                }

                SkipWhitespace();
                if (AtEnd)
                {
                    error = "unexpected EOF";
                    return false;
                }

                var c = _data[_position];
                if (c == ',')
                {
                    _position++;
                    SkipWhitespace();
                    continue;
                }

                if (c == ']')
                {
                    _position++;
                    return true;
                }

                error = Invalid(c, "after array element");
                return false;
            }
        }

        private bool TryScanString(out string? error)
        {
            _position++; // opening quote
            while (_position < _data.Length)
            {
                var c = _data[_position];
                if (c == '"')
                {
                    _position++;
                    error = null;
                    return true;
                }

                if (c < 0x20)
                {
                    error = Invalid(c, "in string literal");
                    return false;
                }

                if (c == '\\')
                {
                    _position++;
                    if (AtEnd)
                    {
                        break;
                    }

                    var e = _data[_position];
                    if (e == 'u')
                    {
                        for (var i = 0; i < 4; i++)
                        {
                            _position++;
                            if (AtEnd)
                            {
                                error = "unexpected EOF";
                                return false;
                            }

                            if (!Uri.IsHexDigit((char)_data[_position]))
                            {
                                error = Invalid(_data[_position], "in \\u hexadecimal character escape");
                                return false;
                            }
                        }
                    }
                    else if (e is not ((byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t'))
                    {
                        error = Invalid(e, "in string escape code");
                        return false;
                    }
                }

                _position++;
            }

            error = "unexpected EOF";
            return false;
        }

        private bool TryScanNumber(out string? error)
        {
            if (_data[_position] == '-')
            {
                _position++;
                if (AtEnd)
                {
                    error = "unexpected EOF";
                    return false;
                }

                if (!IsDigit(_data[_position]))
                {
                    error = Invalid(_data[_position], "in numeric literal");
                    return false;
                }
            }

            if (_data[_position] == '0')
            {
                _position++;
            }
            else
            {
                while (!AtEnd && IsDigit(_data[_position]))
                {
                    _position++;
                }
            }

            if (!AtEnd && _data[_position] == '.')
            {
                _position++;
                if (AtEnd)
                {
                    error = "unexpected EOF";
                    return false;
                }

                if (!IsDigit(_data[_position]))
                {
                    error = Invalid(_data[_position], "after decimal point in numeric literal");
                    return false;
                }

                while (!AtEnd && IsDigit(_data[_position]))
                {
                    _position++;
                }
            }

            if (!AtEnd && _data[_position] is (byte)'e' or (byte)'E')
            {
                _position++;
                if (!AtEnd && _data[_position] is (byte)'+' or (byte)'-')
                {
                    _position++;
                }

                if (AtEnd)
                {
                    error = "unexpected EOF";
                    return false;
                }

                if (!IsDigit(_data[_position]))
                {
                    error = Invalid(_data[_position], "in exponent of numeric literal");
                    return false;
                }

                while (!AtEnd && IsDigit(_data[_position]))
                {
                    _position++;
                }
            }

            error = null;
            return true;
        }

        private bool TryScanLiteral(string literal, out string? error)
        {
            for (var i = 0; i < literal.Length; i++)
            {
                if (AtEnd)
                {
                    error = "unexpected EOF";
                    return false;
                }

                if (_data[_position] != literal[i])
                {
                    error = Invalid(_data[_position], $"in literal {literal} (expecting {QuoteChar((byte)literal[i])})");
                    return false;
                }

                _position++;
            }

            error = null;
            return true;
        }

        private static bool IsDigit(byte c) => c is >= (byte)'0' and <= (byte)'9';

        private static string Invalid(byte c, string context) => $"invalid character {QuoteChar(c)} {context}";

        /// <summary>Go's <c>quoteChar</c>: the byte as a rune, quoted the way <c>strconv.Quote</c> does.</summary>
        private static string QuoteChar(byte c)
        {
            switch (c)
            {
                case (byte)'\'':
                    return @"'\''";
                case (byte)'"':
                    return "'\"'";
                case (byte)'\\':
                    return @"'\\'";
                case 0x07:
                    return @"'\a'";
                case 0x08:
                    return @"'\b'";
                case 0x0C:
                    return @"'\f'";
                case (byte)'\n':
                    return @"'\n'";
                case (byte)'\r':
                    return @"'\r'";
                case (byte)'\t':
                    return @"'\t'";
                case 0x0B:
                    return @"'\v'";
            }

            if (c < 0x20 || c == 0x7F)
            {
                return "'\\x" + c.ToString("x2", CultureInfo.InvariantCulture) + "'";
            }

            if (c is >= 0x80 and <= 0x9F or 0xAD)
            {
                return "'\\u" + c.ToString("x4", CultureInfo.InvariantCulture) + "'";
            }

            return "'" + new string((char)c, 1) + "'";
        }
    }
}
