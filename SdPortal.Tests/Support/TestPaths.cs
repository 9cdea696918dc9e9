namespace SdPortal.Tests.Support;

/// <summary>Locates the repository and the shared material beside it, wherever the tests run from.</summary>
public static class TestPaths
{
    private static readonly Lazy<string> Root = new(FindRepositoryRoot);

    /// <summary>The folder holding SdPortal.sln.</summary>
    public static string RepositoryRoot => Root.Value;

    /// <summary>
    /// The inference host and CLI executable in the test output (<c>dotnet … host</c>, <c>dotnet … generate</c>): the
    /// SdPortal.Inference.Host assembly; the engine library beside it is SdPortal.Inference.dll (ADR-025).
    /// </summary>
    public static string InferenceExecutable => typeof(SdPortal.Inference.Cli.CliApp).Assembly.Location;

    /// <summary>The shared folder beside the checkout (../shared).</summary>
    public static string Shared => Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared"));

    /// <summary>The CLIP ViT-L/14 tokenizer files shipped in ../shared/data.</summary>
    public static string ClipTokenizer => Path.Combine(Shared, "data", "clip-vit-l-14-tokenizer");

    /// <summary>The SD 1.5 scheduler_config.json shipped in ../shared/data.</summary>
    public static string Sd15SchedulerConfig => Path.Combine(Shared, "data", "sd15-scheduler_config.json");

    /// <summary>The scheduler reference fixtures written by tools/scheduler-reference/generate_fixtures.py.</summary>
    public static string SchedulerFixtures => Path.Combine(RepositoryRoot, "SdPortal.Tests", "Fixtures", "Schedulers");

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SdPortal.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"SdPortal.sln not found above {AppContext.BaseDirectory}");
    }
}
