using System.Diagnostics;
using SdPortal.Tests.Support;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace SdPortal.Tests.Deployment;

/// <summary>
/// The Kubernetes manifests under <c>deploy/k8s</c> as a cluster would receive them: rendered by
/// <c>kubectl kustomize</c>, parsed with YamlDotNet, and checked by <c>deploy/k8s/validate/validate.mjs</c> against the
/// Kubernetes and KEDA schemas (npm packages pinned in its package-lock.json; test.sh runs <c>npm ci</c>).
/// </summary>
internal static class KubernetesManifests
{
    /// <summary>The folder holding the manifests.</summary>
    public static string Folder => Path.Combine(TestPaths.RepositoryRoot, "deploy", "k8s");

    /// <summary>The deployment with the PostgreSQL scaler.</summary>
    public static string Base => Folder;

    /// <summary>The deployment with the Prometheus scaler instead (components/keda-prometheus).</summary>
    public static string PrometheusOverlay => Path.Combine(Folder, "overlays", "prometheus-scaler");

    private static string Validator => Path.Combine(Folder, "validate", "validate.mjs");

    /// <summary><c>kubectl kustomize <paramref name="folder"/></c>'s output; fails the test when it does not render.</summary>
    public static async Task<string> RenderAsync(string folder)
    {
        var (exitCode, output, errors) = await RunAsync("kubectl", ["kustomize", folder]);
        Assert.True(exitCode == 0, $"kubectl kustomize {folder} exited {exitCode}: {errors}");
        return output;
    }

    /// <summary>The validator's exit code and report (one line per object, then "N objects, N invalid").</summary>
    public static async Task<(int ExitCode, string Report)> ValidateAsync(string rendered)
    {
        Assert.True(Directory.Exists(Path.Combine(Folder, "validate", "node_modules")),
            "deploy/k8s/validate/node_modules is missing: run `npm ci --prefix deploy/k8s/validate` (test.sh does).");
        var (exitCode, output, errors) = await RunAsync("node", [Validator], rendered);
        return (exitCode, output + errors);
    }

    /// <summary>Every object of a rendered multi-document YAML stream, as nested dictionaries and lists.</summary>
    public static List<Dictionary<object, object>> Objects(string rendered)
    {
        var deserializer = new DeserializerBuilder().Build();
        var parser = new Parser(new StringReader(rendered));
        parser.Consume<StreamStart>();
        var objects = new List<Dictionary<object, object>>();
        while (parser.Accept<DocumentStart>(out _))
        {
            if (deserializer.Deserialize<Dictionary<object, object>?>(parser) is { } manifest)
            {
                objects.Add(manifest);
            }
        }

        return objects;
    }

    /// <summary>The one object of <paramref name="kind"/> named <paramref name="name"/>.</summary>
    public static Dictionary<object, object> Find(IEnumerable<Dictionary<object, object>> objects, string kind, string name) =>
        Assert.Single(objects, o => (string)o["kind"] == kind && (string)Map(o, "metadata")["name"] == name);

    /// <summary>The mapping under <paramref name="key"/>.</summary>
    public static Dictionary<object, object> Map(Dictionary<object, object> node, string key) => (Dictionary<object, object>)node[key];

    /// <summary>The sequence under <paramref name="key"/>.</summary>
    public static List<object> List(Dictionary<object, object> node, string key) => (List<object>)node[key];

    /// <summary>The PostgreSQL trigger of the base's ScaledObject: the exact SQL KEDA runs against the job table.</summary>
    public static async Task<string> ScalerQueryAsync()
    {
        var scaledObject = Find(Objects(await RenderAsync(Base)), "ScaledObject", "sdportal-inference");
        var trigger = (Dictionary<object, object>)Assert.Single(List(Map(scaledObject, "spec"), "triggers"));
        Assert.Equal("postgresql", trigger["type"]);
        return (string)Map(trigger, "metadata")["query"];
    }

    /// <summary>Copies the manifests (without the validator's node_modules) to a temporary folder, for breaking them.</summary>
    public static string CopyToTemporaryFolder()
    {
        var copy = Directory.CreateTempSubdirectory("sdportal-k8s-").FullName;
        foreach (var file in Directory.EnumerateFiles(Folder, "*.yaml", SearchOption.AllDirectories))
        {
            var target = Path.Combine(copy, Path.GetRelativePath(Folder, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return copy;
    }

    private static async Task<(int ExitCode, string Output, string Errors)> RunAsync(string program, IReadOnlyList<string> arguments, string? input = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = input is not null,
            WorkingDirectory = TestPaths.RepositoryRoot,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process? started;
        try
        {
            started = Process.Start(start);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException(
                $"{program} is not on PATH ({e.Message}): the deploy/k8s tests need kubectl (with kustomize v5) and Node.js; test.sh installs Node.js.", e);
        }

        using var process = started ?? throw new InvalidOperationException($"{program} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
            process.StandardInput.Close();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await errors);
    }
}
