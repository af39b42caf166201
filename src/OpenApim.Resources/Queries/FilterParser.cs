using System.Globalization;
using System.Text;
using OpenApim.Resources.Arm;

namespace OpenApim.Resources.Queries;

/// <summary>A recursive-descent parser of the <see cref="Filter"/> language, bounded in length, depth and terms.</summary>
internal sealed class FilterParser(string text, Func<string, string?> resolveField)
{
    private static readonly string[] Comparisons = ["eq", "ne", "gt", "ge", "lt", "le"];
    private static readonly string[] Functions = ["contains", "startswith", "endswith", "substringof"];
    private int _pos;
    private int _depth;
    private int _terms;

    public Filter ParseAll()
    {
        if (text.Length > Filter.MaxLength)
        {
            throw ArmErrors.Validation("$filter", $"Invalid $filter: it is {text.Length} characters long; the limit is {Filter.MaxLength}.");
        }

        if (text.Any(char.IsControl))
        {
            throw Error("it contains a control character");
        }

        var result = ParseOr();
        SkipSpace();
        if (_pos < text.Length)
        {
            throw Error($"unexpected '{text[_pos..]}'");
        }

        return result;
    }

    private Filter ParseOr()
    {
        var left = ParseAnd();
        while (TryKeyword("or"))
        {
            left = new OrFilter(left, ParseAnd());
        }

        return left;
    }

    private Filter ParseAnd()
    {
        var left = ParseUnary();
        while (TryKeyword("and"))
        {
            left = new AndFilter(left, ParseUnary());
        }

        return left;
    }

    private Filter ParseUnary()
    {
        if (TryKeyword("not"))
        {
            Enter();
            var negated = new NotFilter(ParseUnary());
            _depth--;
            return negated;
        }

        SkipSpace();
        if (Peek() == '(')
        {
            _pos++;
            Enter();
            var inner = ParseOr();
            Expect(')');
            _depth--;
            return inner;
        }

        if (++_terms > Filter.MaxTerms)
        {
            throw Error($"it has more than {Filter.MaxTerms} comparisons");
        }

        var word = ReadIdentifier();
        if (Functions.Contains(word, StringComparer.OrdinalIgnoreCase))
        {
            Expect('(');
            string field;
            string value;
            if (word.Equals("substringof", StringComparison.OrdinalIgnoreCase))
            {
                value = ReadString();
                Expect(',');
                field = ReadField();
            }
            else
            {
                field = ReadField();
                Expect(',');
                value = ReadString();
            }

            Expect(')');
            var fn = word.Equals("substringof", StringComparison.OrdinalIgnoreCase) ? "contains" : word.ToLowerInvariant();
            return SkipBoolSuffix(new FunctionFilter(fn, field, value));
        }

        var f = CheckField(word);
        var op = ReadIdentifier().ToLowerInvariant();
        if (!Comparisons.Contains(op))
        {
            throw Error($"expected one of {string.Join(", ", Comparisons)} after '{f}', found '{op}'");
        }

        return new CompareFilter(f, op, ReadLiteral());
    }

    // OData allows "contains(name,'x') eq true"; accept it as a plain predicate.
    private Filter SkipBoolSuffix(Filter f)
    {
        var save = _pos;
        if (TryKeyword("eq"))
        {
            var lit = ReadLiteral();
            if (lit is bool b)
            {
                return b ? f : new NotFilter(f);
            }
        }

        _pos = save;
        return f;
    }

    private string ReadField() => CheckField(ReadIdentifier());

    private string CheckField(string field)
    {
        // "properties/displayName" is accepted as "displayName".
        var name = field.StartsWith("properties/", StringComparison.OrdinalIgnoreCase) ? field["properties/".Length..] : field;
        return resolveField(name) ?? throw Error($"the field '{field}' cannot be used in $filter here");
    }

    private object? ReadLiteral()
    {
        SkipSpace();
        if (Peek() == '\'')
        {
            return ReadString();
        }

        var word = ReadIdentifier();
        if (word.Equals("true", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (word.Equals("false", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (word.Equals("null", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (double.TryParse(word, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
        {
            return d;
        }

        throw Error($"'{word}' is not a literal (use 'quoted strings', numbers, true, false or null)");
    }

    private string ReadString()
    {
        SkipSpace();
        if (Peek() != '\'')
        {
            throw Error("expected a 'quoted string'");
        }

        _pos++;
        var sb = new StringBuilder();
        while (true)
        {
            if (_pos >= text.Length)
            {
                throw Error("unterminated string");
            }

            var c = text[_pos++];
            if (c == '\'')
            {
                if (Peek() == '\'')
                {
                    sb.Append('\'');
                    _pos++;
                    continue;
                }

                return sb.ToString();
            }

            sb.Append(c);
        }
    }

    private string ReadIdentifier()
    {
        SkipSpace();
        var start = _pos;
        while (_pos < text.Length && (char.IsLetterOrDigit(text[_pos]) || text[_pos] is '_' or '/' or '.' or '-' or ':' or '+'))
        {
            _pos++;
        }

        if (start == _pos)
        {
            throw Error(_pos < text.Length ? $"unexpected '{text[_pos]}'" : "unexpected end of the filter");
        }

        return text[start.._pos];
    }

    private bool TryKeyword(string keyword)
    {
        SkipSpace();
        if (_pos + keyword.Length <= text.Length
            && string.Compare(text, _pos, keyword, 0, keyword.Length, StringComparison.OrdinalIgnoreCase) == 0
            && (_pos + keyword.Length == text.Length || text[_pos + keyword.Length] is ' ' or '('))
        {
            _pos += keyword.Length;
            return true;
        }

        return false;
    }

    private void Expect(char c)
    {
        SkipSpace();
        if (Peek() != c)
        {
            throw Error($"expected '{c}'");
        }

        _pos++;
    }

    private char Peek() => _pos < text.Length ? text[_pos] : '\0';

    private void SkipSpace()
    {
        while (_pos < text.Length && char.IsWhiteSpace(text[_pos]))
        {
            _pos++;
        }
    }

    private void Enter()
    {
        if (++_depth > Filter.MaxDepth)
        {
            throw Error($"'not' and parentheses are nested more than {Filter.MaxDepth} deep");
        }
    }

    private ArmException Error(string why) => ArmErrors.Validation("$filter", $"Invalid $filter '{(text.Length > 200 ? text[..200] + "..." : text)}': {why}.");
}
