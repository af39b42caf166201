namespace OpenApim.Policies;

/// <summary>One element of a policy document, with its attributes, children, text and line.</summary>
public sealed record PolicyElement(string Name, IReadOnlyDictionary<string, string> Attributes, IReadOnlyList<PolicyElement> Children, string Text, int Line)
{
    public string? Attribute(string name) => Attributes.GetValueOrDefault(name);

    public IEnumerable<PolicyElement> ChildrenNamed(string name) => Children.Where(c => c.Name == name);
}
