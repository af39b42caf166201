using Xunit.Abstractions;

namespace OpenApim.Tests.Architecture;

/// <summary>
/// The namespace graph of src/ has no cycles, so features can be read, moved and replaced one at a time. Print it:
/// <c>dotnet test tests/OpenApim.Tests --filter NamespaceGraphTests --logger "console;verbosity=detailed"</c>.
/// </summary>
public sealed class NamespaceGraphTests(ITestOutputHelper output)
{
    [Fact]
    public void Namespaces_form_no_cycles()
    {
        var graph = NamespaceGraph.Read();
        output.WriteLine(graph.ToString());
        var cycles = graph.Cycles();
        foreach (var cycle in cycles)
        {
            output.WriteLine("cycle: " + string.Join(" <-> ", cycle));
        }

        Assert.True(graph.Edges.Count > 20, "the graph was not read (no edges found)");
        Assert.True(cycles.Count == 0, "namespace cycles:\n" + string.Join('\n', cycles.Select(c => string.Join(" <-> ", c))));
    }
}
