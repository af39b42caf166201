using System.Text.Json;
using System.Text.Json.Nodes;
using OpenApim.Backup.Archive;
using OpenApim.Policies;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Kinds;
using OpenApim.Resources.Kinds.Schema;
using OpenApim.Resources.Kinds.Service;
using OpenApim.Resources.Model;

namespace OpenApim.Backup.Validation;

/// <summary>
/// Checks what a restore would write by the rules the management API applies, so a restore (an Operator's
/// action) can never store what a PUT would refuse: every name (the rules of its kind, and no separators or dot
/// segments), every row's properties against its kind's schema, one row per path, parents, references and link
/// targets that exist in the archive, subscription keys unique in the service, policies that parse and name
/// existing named values, and the service settings of <c>service.json</c>. Feed it every row, then
/// <see cref="Finish"/>; problems are collected (up to <see cref="MaxProblems"/>) so all of them are reported at once.
/// Not re-checked: rules that business hooks apply on top of the schema (for example that two APIs do not share a path).
/// </summary>
internal sealed class ArchiveValidator
{
    public const int MaxProblems = 50;

    private readonly List<ArmErrorDetail> _problems = [];
    private readonly HashSet<string> _paths = new(StringComparer.Ordinal);
    private readonly List<(string From, string Target, string Needs)> _needs = [];
    private readonly Dictionary<string, string> _keys = new(StringComparer.Ordinal);
    private readonly HashSet<string> _namedValues = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(string Path, string Xml)> _policies = [];

    public int ProblemCount => _problems.Count;

    /// <summary>The problems of the rows seen so far on their own (names, JSON, schemas), before the whole-archive checks of <see cref="Finish"/>.</summary>
    public IReadOnlyList<ArmErrorDetail> RowProblems => _problems;

    public void Service(JsonObject archived) => Add(ServiceBackup.Validate(archived));

    public void Row(ResourceKind kind, ArchiveRow row)
    {
        var path = row.Path;
        var lower = path.ToLowerInvariant();
        var segments = path.Split('/');
        for (var i = 1; i < segments.Length; i += 2)
        {
            var problem = i == segments.Length - 1 ? kind.Names.Check(segments[i], out _) : NameRule.Unsafe(segments[i]);
            if (problem is not null)
            {
                Problem(path, problem);
                return;
            }
        }

        if (!_paths.Add(lower))
        {
            Problem(path, $"The entity '{path}' appears more than once.");
            return;
        }

        JsonObject? body;
        try
        {
            body = JsonNode.Parse(row.Body, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false, MaxDepth = StrictJson.MaxDepth }) as JsonObject;
        }
        catch (JsonException e)
        {
            Problem(path, $"The body of '{path}' is not valid JSON ({e.Message}).");
            return;
        }

        var properties = body?["properties"] switch
        {
            JsonObject o => o,
            null => [],
            _ => null,
        };
        if (body is null || properties is null)
        {
            Problem(path, $"The body of '{path}' is not {{\"properties\":{{...}}}}.");
            return;
        }

        Add(SchemaValidator.Normalize(properties, kind.Properties, $"{path}.properties"));
        if (segments.Length > 2)
        {
            _needs.Add((path, string.Join('/', segments[..^2]).ToLowerInvariant(), "its parent"));
        }

        if (kind.LinkTarget is { } target)
        {
            _needs.Add((path, $"{target}/{segments[^1]}".ToLowerInvariant(), "the entity it links to"));
        }

        References(kind, path, properties);
        Remember(kind, path, properties);
    }

    /// <summary>
    /// Takes in what another validator saw (the rows of other parts), as if its rows had been fed here: its problems, and
    /// the entities and keys both saw reported as duplicates.
    /// </summary>
    public void Absorb(ArchiveValidator other)
    {
        Add(other._problems);
        _paths.EnsureCapacity(_paths.Count + other._paths.Count);
        foreach (var path in other._paths)
        {
            if (!_paths.Add(path))
            {
                Problem(path, $"The entity '{path}' appears more than once.");
            }
        }

        foreach (var (key, path) in other._keys)
        {
            Key(path, key);
        }

        _needs.AddRange(other._needs);
        _namedValues.UnionWith(other._namedValues);
        _policies.AddRange(other._policies);
    }

    /// <summary>Checks what needed the whole archive; returns every problem found (empty: the content may be restored).</summary>
    public IReadOnlyList<ArmErrorDetail> Finish()
    {
        foreach (var (from, target, needs) in _needs)
        {
            if (!_paths.Contains(target))
            {
                Problem(from, $"'{from}' needs {needs}, '{target}', which the backup does not hold.");
            }
        }

        foreach (var (path, xml) in _policies)
        {
            try
            {
                foreach (var problem in PolicyCatalog.Check(PolicySections.Parse(xml)))
                {
                    Problem(path, problem);
                }
            }
            catch (PolicyException e)
            {
                Problem(path, e.Message);
            }

            foreach (var name in PolicyCatalog.NamedValueReferences(xml).Where(n => !_namedValues.Contains(n)))
            {
                Problem(path, $"The policy refers to the named value '{{{{{name}}}}}', which the backup does not hold.");
            }
        }

        return _problems;
    }

    private void References(ResourceKind kind, string path, JsonObject properties)
    {
        foreach (var prop in kind.Properties.Where(p => p.RefKinds is not null))
        {
            if (properties[prop.Name].Text() is not { } value)
            {
                continue;
            }

            var parts = value.Trim('/').Split('/');
            if (parts.Length == 1 && prop.RefCollections?.Contains(parts[0], StringComparer.OrdinalIgnoreCase) == true)
            {
                continue;
            }

            if (!value.StartsWith('/') || parts.Length != 2 || !prop.RefKinds!.Contains(parts[0], StringComparer.OrdinalIgnoreCase))
            {
                Problem(path, $"'{prop.Name}' value '{value}' is not a reference to one of: {string.Join(", ", prop.RefKinds!)}.", $"{path}.properties.{prop.Name}");
                continue;
            }

            _needs.Add((path, value.Trim('/').ToLowerInvariant(), $"what '{prop.Name}' refers to"));
        }
    }

    /// <summary>What later checks need: subscription keys (unique per service), named values and policies.</summary>
    private void Remember(ResourceKind kind, string path, JsonObject properties)
    {
        if (kind == KindCatalog.Subscriptions)
        {
            var primary = properties["primaryKey"].Text();
            Key(path, primary);
            if (properties["secondaryKey"].Text() is { } secondary && secondary != primary)
            {
                Key(path, secondary);
            }
        }
        else if (kind == KindCatalog.NamedValues && properties["displayName"].Text() is { } displayName)
        {
            _namedValues.Add(displayName);
        }
        else if (kind.IsPolicy && properties["value"].Text() is { } xml)
        {
            _policies.Add((path, xml));
        }
    }

    private void Key(string path, string? key)
    {
        if (key is not null && !_keys.TryAdd(key, path))
        {
            Problem(path, $"'{path}' has a key that '{_keys[key]}' has too; subscription keys are unique per service.");
        }
    }

    private void Add(IEnumerable<ArmErrorDetail> problems)
    {
        foreach (var p in problems)
        {
            if (_problems.Count < MaxProblems)
            {
                _problems.Add(p);
            }
        }
    }

    private void Problem(string path, string message, string? target = null) => Add([new ArmErrorDetail("ValidationError", message, target ?? path)]);
}
