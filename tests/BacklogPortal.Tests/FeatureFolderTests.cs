using System.Text.RegularExpressions;

namespace BacklogPortal.Tests;

/// <summary>
/// The layout a newcomer relies on: feature folders under <c>src/</c> that depend on each other one way only,
/// and docs that name every folder. Read from the source text (the namespaces a file names in its usings or
/// qualified names), so a new folder or a new dependency is checked without anyone updating a list here.
/// </summary>
public sealed partial class FeatureFolderTests
{
    private static readonly string Root = FindRoot();
    private static readonly string Src = Path.Combine(Root, "src");

    /// <summary>
    /// <c>Components/</c> is the app shell (App, routes, layout, the Identity template): it composes every feature and
    /// every page renders inside it, so it stands above the features and is not one of them.
    /// </summary>
    private static readonly string[] NotFeatures = ["Components"];

    [Fact]
    public void NoFeatureFolderDependsOnAnotherInACircle()
    {
        var cycle = FindCycle(FeatureDependencies());

        Assert.True(cycle is null, $"Feature folders depend on each other in a circle: {string.Join(" → ", cycle ?? [])}");
    }

    [Fact]
    public void TheCycleFinderFindsACircleThroughThreeFolders()
    {
        // The check above passes on a clean tree; this shows it would fail on a circle (and not on a mere diamond).
        var circle = new Dictionary<string, HashSet<string>> { ["A"] = ["B"], ["B"] = ["C"], ["C"] = ["A"], ["D"] = ["A"] };
        var diamond = new Dictionary<string, HashSet<string>> { ["A"] = ["B", "C"], ["B"] = ["D"], ["C"] = ["D"] };

        Assert.Equal(["A", "B", "C", "A"], FindCycle(circle));
        Assert.Null(FindCycle(diamond));
    }

    [Fact]
    public void TheFeatureGraphSeesTheDependenciesItMustJudge()
    {
        // A reader that saw nothing would find no circle either: it must see a feature's real, known uses.
        var dependencies = FeatureDependencies();

        Assert.Contains("EtaChanges", dependencies["Staff"]);
        Assert.Contains("Domain", dependencies["Data"]);
        Assert.DoesNotContain("Staff", dependencies["EtaChanges"]);
    }

    [Fact]
    public void AFeatureInTheGlobalUsingsDependsOnNoOtherFeature()
    {
        // Every file sees a global namespace without naming it, so one that named another feature would close a
        // circle through every feature at once; and a file inside it could use another global one unseen.
        var global = Referenced(File.ReadAllText(Path.Combine(Src, "GlobalUsings.cs"))).ToList();
        var dependencies = FeatureDependencies();

        Assert.NotEmpty(global);
        Assert.All(global, feature => Assert.Empty(dependencies[feature]));
    }

    [Fact]
    public void TheReadmeLayoutListsEveryFolderUnderSrc()
    {
        var readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        var layout = readme[readme.IndexOf("## Project layout", StringComparison.Ordinal)..];

        var missing = Folders().Where(folder => !layout.Contains($"src/{folder}/", StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, $"README's project layout does not list: {string.Join(", ", missing)}");
    }

    [Fact]
    public void TheArchitectureDocumentDescribesEveryFolderUnderSrc()
    {
        var architecture = File.ReadAllText(Path.Combine(Root, "docs", "ARCHITECTURE.md"));

        var missing = Folders().Where(folder => !architecture.Contains($"| `{folder}/` |", StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, $"docs/ARCHITECTURE.md's feature table does not describe: {string.Join(", ", missing)}");
    }

    private static IEnumerable<string> Folders() =>
        Directory.GetDirectories(Src).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal);

    /// <summary>
    /// Which feature folders each one names; generated migrations and the shell are left out. A namespace in
    /// <c>src/GlobalUsings.cs</c> is named by every file, so every other feature depends on it.
    /// </summary>
    private static Dictionary<string, HashSet<string>> FeatureDependencies()
    {
        var features = Folders().Except(NotFeatures).ToHashSet();
        var global = Referenced(File.ReadAllText(Path.Combine(Src, "GlobalUsings.cs"))).Where(features.Contains).ToList();
        var dependencies = features.ToDictionary(f => f, _ => new HashSet<string>());
        foreach (var feature in features)
        {
            var files = Directory.EnumerateFiles(Path.Combine(Src, feature), "*", SearchOption.AllDirectories)
                .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".razor", StringComparison.Ordinal))
                .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}Migrations", StringComparison.Ordinal));
            var named = files.SelectMany(f => Referenced(File.ReadAllText(f))).Concat(global);
            dependencies[feature].UnionWith(named.Where(n => n != feature && features.Contains(n)));
        }
        return dependencies;
    }

    /// <summary>The top-level folders a text names as <c>BacklogPortal.X</c>, comments left out.</summary>
    private static IEnumerable<string> Referenced(string text) =>
        NamespaceReference().Matches(Comment().Replace(text, "")).Select(m => m.Groups[1].Value).Distinct();

    /// <summary>One circle as the path that closes it (first folder repeated at the end), or null.</summary>
    private static List<string>? FindCycle(IReadOnlyDictionary<string, HashSet<string>> graph)
    {
        var done = new HashSet<string>();
        var path = new List<string>();
        List<string>? Visit(string node)
        {
            var at = path.IndexOf(node);
            if (at >= 0)
            {
                return [.. path[at..], node];
            }
            if (!done.Add(node))
            {
                return null;
            }
            path.Add(node);
            foreach (var next in graph.GetValueOrDefault(node, []).Order(StringComparer.Ordinal))
            {
                if (Visit(next) is { } cycle)
                {
                    return cycle;
                }
            }
            path.RemoveAt(path.Count - 1);
            return null;
        }
        return graph.Keys.Order(StringComparer.Ordinal).Select(Visit).FirstOrDefault(c => c is not null);
    }

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "BacklogPortal.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("BacklogPortal.sln not found above the test assembly.");
    }

    [GeneratedRegex(@"\bBacklogPortal\.([A-Z]\w*)")]
    private static partial Regex NamespaceReference();

    [GeneratedRegex(@"//[^\n]*|/\*.*?\*/|@\*.*?\*@", RegexOptions.Singleline)]
    private static partial Regex Comment();
}
