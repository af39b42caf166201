using System.Text.Json.Nodes;

namespace OpenApim.Resources.Kinds.Schema;

/// <summary>Terse constructors and modifiers for <see cref="Prop"/> declarations.</summary>
internal static class P
{
    public static Prop Str(string name) => new(name, PropType.String);

    public static Prop Bool(string name) => new(name, PropType.Boolean);

    public static Prop Int(string name) => new(name, PropType.Integer);

    public static Prop Num(string name) => new(name, PropType.Number);

    public static Prop Date(string name) => new(name, PropType.DateTime);

    public static Prop Any(string name) => new(name, PropType.Any);

    public static Prop Obj(string name, params Prop[] properties) => new(name, PropType.Object) { Properties = properties.Length == 0 ? null : properties };

    public static Prop Arr(string name, Prop? items = null) => new(name, PropType.Array) { Items = items };

    public static Prop Enum(string name, params string[] values) => new(name, PropType.String) { Enum = values };

    /// <summary>An array item schema (the name is only used in messages).</summary>
    public static Prop Item(PropType type) => new("[]", type);

    /// <summary>A reference to an entity of one of <paramref name="kinds"/> in the same service.</summary>
    public static Prop Ref(string name, params string[] kinds) => new(name, PropType.String) { RefKinds = kinds };

    public static Prop OrCollection(this Prop p, params string[] collections) => p with { RefCollections = collections };

    public static Prop Req(this Prop p) => p with { Required = true };

    public static Prop RO(this Prop p) => p with { ReadOnly = true };

    public static Prop Secret(this Prop p) => p with { Secret = true };

    public static Prop SecretWhen(this Prop p, string flag) => p with { SecretWhen = flag };

    /// <summary>True when this property holds a secret in <paramref name="owner"/> (the object that contains it).</summary>
    public static bool IsSecretIn(this Prop p, System.Text.Json.Nodes.JsonObject owner) =>
        p.Secret || (p.SecretWhen is { } flag && owner[flag] is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<bool>(out var on) && on);

    public static Prop Len(this Prop p, int min, int max) => p with { MinLength = min, MaxLength = max };

    public static Prop Max(this Prop p, int max) => p with { MaxLength = max };

    public static Prop Range(this Prop p, long min, long max) => p with { Minimum = min, Maximum = max };

    public static Prop MaxCount(this Prop p, int max) => p with { MaxItems = max };

    public static Prop Default(this Prop p, JsonNode value) => p with { Default = value };

    /// <summary>
    /// A declared pattern runs on the non-backtracking engine: linear in the input, so no hostile value can make it slow, and
    /// no timeout (a timeout turned a GC pause on a busy machine into a 500 for a seven-character name). Declared patterns
    /// therefore may not use lookarounds or backreferences; the constructor refuses them at start-up.
    /// </summary>
    public static Prop Match(this Prop p, string pattern) => p with
    {
        PatternText = pattern,
        Pattern = new System.Text.RegularExpressions.Regex(pattern,
            System.Text.RegularExpressions.RegexOptions.CultureInvariant | System.Text.RegularExpressions.RegexOptions.NonBacktracking),
    };
}
