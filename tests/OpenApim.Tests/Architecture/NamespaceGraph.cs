using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using OpenApim.Tests.Infrastructure;

namespace OpenApim.Tests.Architecture;

/// <summary>
/// Which OpenApim namespace uses which, read from the sources with Roslyn's semantic model (every named type,
/// member, target-typed <c>new()</c> and extension call is resolved to the namespace that declares it), one
/// compilation per project against the built assemblies. A parent namespace used implicitly by a child counts too.
/// </summary>
public sealed class NamespaceGraph
{
    private NamespaceGraph(IReadOnlyDictionary<string, SortedSet<string>> edges) => Edges = edges;

    /// <summary>From namespace → the namespaces it uses (both OpenApim's, never itself).</summary>
    public IReadOnlyDictionary<string, SortedSet<string>> Edges { get; }

    public static NamespaceGraph Read()
    {
        var root = AzuriteProcess.RepositoryRoot();
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Concat(Directory.EnumerateFiles(AppContext.BaseDirectory, "*.dll"))
            .Where(p => !Path.GetFileName(p).StartsWith("OpenApim.", StringComparison.Ordinal))
            .GroupBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase)
            .Select(g => MetadataReference.CreateFromFile(g.First()))
            .ToList();
        var projects = Directory.GetDirectories(Path.Combine(root, "src")).Where(d => Directory.EnumerateFiles(d, "*.csproj").Any()).ToList();
        var others = projects.Select(p => Path.Combine(AppContext.BaseDirectory, Path.GetFileName(p) + ".dll")).Where(File.Exists).ToList();

        var edges = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var project in projects)
        {
            var name = Path.GetFileName(project);
            var sources = Directory.EnumerateFiles(project, "*.cs", SearchOption.AllDirectories)
                .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                    && (!f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal) || f.EndsWith(".GlobalUsings.g.cs", StringComparison.Ordinal)))
                .Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), new CSharpParseOptions(LanguageVersion.Preview), f))
                .ToList();
            var compilation = CSharpCompilation.Create(name, sources,
                [.. references, .. others.Where(o => Path.GetFileNameWithoutExtension(o) != name).Select(o => MetadataReference.CreateFromFile(o))],
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
            foreach (var tree in sources)
            {
                Collect(compilation.GetSemanticModel(tree), tree, edges);
            }
        }

        return new NamespaceGraph(edges);
    }

    /// <summary>The strongly connected groups of more than one namespace: each is a cycle.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Cycles()
    {
        var index = 0;
        var stack = new Stack<string>();
        var state = new Dictionary<string, (int Index, int Low, bool OnStack)>(StringComparer.Ordinal);
        var result = new List<IReadOnlyList<string>>();
        var nodes = Edges.Keys.Concat(Edges.Values.SelectMany(v => v)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

        void Visit(string v)
        {
            state[v] = (index, index, true);
            index++;
            stack.Push(v);
            foreach (var w in Edges.GetValueOrDefault(v) ?? [])
            {
                if (!state.TryGetValue(w, out var ws))
                {
                    Visit(w);
                    state[v] = state[v] with { Low = Math.Min(state[v].Low, state[w].Low) };
                }
                else if (ws.OnStack)
                {
                    state[v] = state[v] with { Low = Math.Min(state[v].Low, ws.Index) };
                }
            }

            if (state[v].Low == state[v].Index)
            {
                var group = new List<string>();
                string w;
                do
                {
                    w = stack.Pop();
                    state[w] = state[w] with { OnStack = false };
                    group.Add(w);
                }
                while (w != v);
                if (group.Count > 1)
                {
                    result.Add([.. group.Order(StringComparer.Ordinal)]);
                }
            }
        }

        foreach (var node in nodes.Where(n => !state.ContainsKey(n)))
        {
            Visit(node);
        }

        return result;
    }

    public override string ToString() =>
        string.Join('\n', Edges.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key} -> {string.Join(", ", e.Value)}"));

    private static void Collect(SemanticModel model, SyntaxTree tree, Dictionary<string, SortedSet<string>> edges)
    {
        foreach (var node in tree.GetRoot().DescendantNodes())
        {
            if (node is not (SimpleNameSyntax or ImplicitObjectCreationExpressionSyntax or BaseObjectCreationExpressionSyntax))
            {
                continue;
            }

            // Only code inside a type counts (using directives and namespace declarations name namespaces, not uses).
            var enclosing = model.GetEnclosingSymbol(node.SpanStart);
            var declaring = enclosing as INamedTypeSymbol ?? enclosing?.ContainingType;
            var from = declaring?.ContainingNamespace?.ToDisplayString();
            var symbol = model.GetSymbolInfo(node).Symbol ?? model.GetSymbolInfo(node).CandidateSymbols.FirstOrDefault();
            var to = symbol switch
            {
                INamespaceSymbol => null,
                ITypeSymbol t => t.ContainingNamespace?.ToDisplayString(),
                IMethodSymbol { ReducedFrom: { } extension } => extension.ContainingType?.ContainingNamespace?.ToDisplayString(),
                { ContainingType: { } type } => type.ContainingNamespace?.ToDisplayString(),
                _ => null,
            };
            if (from is null || to is null || from == to || !from.StartsWith("OpenApim", StringComparison.Ordinal) || !to.StartsWith("OpenApim", StringComparison.Ordinal))
            {
                continue;
            }

            if (!edges.TryGetValue(from, out var set))
            {
                edges[from] = set = new SortedSet<string>(StringComparer.Ordinal);
            }

            set.Add(to);
        }
    }
}
