using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;

namespace OpenApim.Resources.Arm;

/// <summary>
/// Parses request bodies strictly, so nothing ambiguous reaches the store: valid UTF-8 only, no
/// escaped lone surrogates or U+0000 (which PostgreSQL's jsonb cannot store), no duplicate property names (ARM matches names case-insensitively, so
/// <c>properties</c> and <c>Properties</c> in one object are duplicates too), and a bounded depth.
/// Every refusal is a 400 <c>InvalidRequestContent</c> that says where the problem is.
/// </summary>
public static class StrictJson
{
    public const int MaxDepth = 64;

    /// <summary>Parses <paramref name="utf8"/>; an empty body is null.</summary>
    public static JsonNode? Parse(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty)
        {
            return null;
        }

        if (!Utf8.IsValid(utf8))
        {
            throw ArmErrors.InvalidRequestContent("the body is not valid UTF-8.");
        }

        Check(utf8);
        try
        {
            return JsonNode.Parse(utf8, documentOptions: new JsonDocumentOptions { MaxDepth = MaxDepth, AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            throw ArmErrors.InvalidRequestContent(Describe(e));
        }
    }

    /// <summary>One pass over the tokens: syntax, depth, duplicate names (ignoring case) and strings that are not valid UTF-16.</summary>
    private static void Check(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = MaxDepth });
        var names = new Stack<HashSet<string>?>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        names.Push(new HashSet<string>(StringComparer.OrdinalIgnoreCase));
                        break;
                    case JsonTokenType.StartArray:
                        names.Push(null);
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        names.Pop();
                        break;
                    case JsonTokenType.PropertyName:
                        var name = Text(ref reader);
                        if (names.Peek() is { } seen && !seen.Add(name))
                        {
                            throw ArmErrors.InvalidRequestContent(
                                $"the property '{Shorten(name)}' appears more than once in one object at byte {reader.TokenStartIndex + 1} (names are case-insensitive); duplicate properties are not allowed.");
                        }

                        break;
                    case JsonTokenType.String:
                        Text(ref reader);
                        break;
                }
            }
        }
        catch (JsonException e)
        {
            throw ArmErrors.InvalidRequestContent(Describe(e));
        }
    }

    private static string Text(ref Utf8JsonReader reader)
    {
        try
        {
            var text = reader.GetString()!;
            return text.Contains('\0', StringComparison.Ordinal)
                ? throw ArmErrors.InvalidRequestContent($"the string at byte {reader.TokenStartIndex + 1} contains U+0000, which no ARM value may hold.")
                : text;
        }
        catch (InvalidOperationException)
        {
            throw ArmErrors.InvalidRequestContent($"the string at byte {reader.TokenStartIndex + 1} has an escape that is not valid UTF-16 (a lone surrogate).");
        }
    }

    private static string Describe(JsonException e) =>
        e.LineNumber is { } line && e.BytePositionInLine is { } position
            ? $"malformed JSON at line {line + 1}, position {position + 1}: {FirstSentence(e.Message)}"
            : FirstSentence(e.Message);

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }

    private static string Shorten(string s) => s.Length > 60 ? s[..60] + "..." : s;
}
