using OpenApim.Server.Configuration;

namespace OpenApim.Tests.Docs;

/// <summary>The README's configuration table and the layout it and docs/architecture.md describe stay true to the tree.</summary>
public sealed class ReadmeTests
{
    [Fact]
    public void Every_setting_is_in_the_configuration_table_with_its_flag()
    {
        var readme = File.ReadAllLines(Path.Combine(RepositoryRoot(), "README.md"));
        var rows = readme.Where(l => l.StartsWith('|')).ToList();
        foreach (var setting in ServerSettings.All)
        {
            var row = rows.FirstOrDefault(r => r.Contains($"`{setting.Env}`", StringComparison.Ordinal));
            Assert.True(row is not null, $"README.md has no configuration row for {setting.Env}.");
            if (setting.Flag is not null)
            {
                Assert.Contains($"`{setting.Flag}`", row, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void Every_project_is_in_the_layout_and_the_architecture()
    {
        var root = RepositoryRoot();
        var readme = File.ReadAllText(Path.Combine(root, "README.md"));
        var architecture = File.ReadAllText(Path.Combine(root, "docs", "architecture.md"));
        var projects = Directory.GetDirectories(Path.Combine(root, "src")).Select(Path.GetFileName).OfType<string>()
            .Where(p => File.Exists(Path.Combine(root, "src", p, p + ".csproj"))).ToList();
        Assert.True(projects.Count >= 8, string.Join(", ", projects));
        foreach (var project in projects)
        {
            Assert.Contains($"src/{project}/", readme, StringComparison.Ordinal);
            Assert.Contains($"`{project}`", architecture, StringComparison.Ordinal);
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OpenApim.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (OpenApim.slnx) was not found above the test binaries.");
    }
}
