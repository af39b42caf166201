using System.Text.Json.Nodes;

namespace OpenApim.Resources.Kinds.Schema;

/// <summary>
/// One property of a resource kind's <c>properties</c> object: type, constraints, and whether it is
/// read-only (computed, ignored on input) or secret (never rendered by GET or list). Built with the
/// helpers in <see cref="P"/>, e.g. <c>P.Str("displayName").Req().Len(1, 300)</c>.
/// </summary>
public sealed record Prop(string Name, PropType Type)
{
    public bool Required { get; init; }

    public bool ReadOnly { get; init; }

    public bool Secret { get; init; }

    /// <summary>Secret only when the sibling boolean of this name is true (a named value's <c>value</c> when <c>secret</c> is set).</summary>
    public string? SecretWhen { get; init; }

    public int? MinLength { get; init; }

    public int? MaxLength { get; init; }

    public System.Text.RegularExpressions.Regex? Pattern { get; init; }

    public string? PatternText { get; init; }

    /// <summary>Allowed values of a string, matched case-insensitively and stored in the declared casing.</summary>
    public IReadOnlyList<string>? Enum { get; init; }

    public long? Minimum { get; init; }

    public long? Maximum { get; init; }

    public int? MaxItems { get; init; }

    /// <summary>Properties of an object; null means free-form.</summary>
    public IReadOnlyList<Prop>? Properties { get; init; }

    /// <summary>Schema of array items; null means any.</summary>
    public Prop? Items { get; init; }

    /// <summary>Value written when the property is absent on create.</summary>
    public JsonNode? Default { get; init; }

    /// <summary>
    /// For references to other entities of the same service: the kind paths the value may point to
    /// (e.g. <c>users</c>). Values are stored relative (<c>/users/{id}</c>) so a backup restores into
    /// any service, and rendered as full ARM ids of the owning service.
    /// </summary>
    public IReadOnlyList<string>? RefKinds { get; init; }

    /// <summary>A reference that may also be a bare collection, e.g. a subscription scope of <c>/apis</c> (all APIs).</summary>
    public IReadOnlyList<string>? RefCollections { get; init; }
}
