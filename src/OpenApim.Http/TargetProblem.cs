namespace OpenApim.Http;

/// <summary>What is wrong with a request target before any routing looks at it.</summary>
public enum TargetProblem
{
    None,

    /// <summary>Longer than <see cref="RequestTargets.MaxUrlLength"/>.</summary>
    TooLong,

    /// <summary>
    /// A '.' or '..' segment, literal or percent-encoded (once or more). The server removes dot segments after
    /// decoding, so <c>.../tags/%2e%2e</c> would otherwise address the tag's parent.
    /// </summary>
    DotSegment,
}
