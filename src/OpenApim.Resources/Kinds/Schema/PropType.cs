namespace OpenApim.Resources.Kinds.Schema;

/// <summary>JSON types a property may have.</summary>
public enum PropType
{
    String,
    Boolean,
    Integer,
    Number,
    Object,
    Array,
    DateTime,
    /// <summary>Any JSON value (free-form content, e.g. content items, schema documents).</summary>
    Any,
}
