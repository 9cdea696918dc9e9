using System.Globalization;
using Xunit.Abstractions;
using static SdPortal.Tests.Deployment.KubernetesManifests;

namespace SdPortal.Tests.Deployment;

/// <summary>
/// deploy/k8s renders with kustomize, validates against the Kubernetes and KEDA schemas (and fails on a broken
/// manifest), and holds the deployment's rules: one scaler at a time, scale to zero with a 15-minute cooldown, jobs
/// per host equal to the hosts' workers, a grace period that covers the SIGTERM hand-back (ADR-024).
/// </summary>
public sealed class KubernetesManifestTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Base_RendersAndValidates_AgainstTheKubernetesAndKedaSchemas()
    {
        var (exitCode, report) = await ValidateAsync(await RenderAsync(Base));

        output.WriteLine(report);
        Assert.True(exitCode == 0, report);
        Assert.Contains("ok keda.sh/v1alpha1/ScaledObject sdportal-inference", report, StringComparison.Ordinal);
        Assert.Contains("ok keda.sh/v1alpha1/TriggerAuthentication sdportal-postgresql", report, StringComparison.Ordinal);
        Assert.Contains("ok apps/v1/Deployment sdportal-inference", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PrometheusOverlay_RendersAndValidates_WithThePrometheusScalerInsteadOfThePostgreSqlOne()
    {
        var rendered = await RenderAsync(PrometheusOverlay);
        var (exitCode, report) = await ValidateAsync(rendered);
        var objects = Objects(rendered);

        output.WriteLine(report);
        Assert.True(exitCode == 0, report);
        // Only one ScaledObject may target a Deployment: the component swaps the scaler, it does not add one.
        var scaledObject = Assert.Single(objects, o => (string)o["kind"] == "ScaledObject");
        Assert.DoesNotContain(objects, o => (string)o["kind"] == "TriggerAuthentication");
        var trigger = (Dictionary<object, object>)Assert.Single(List(Map(scaledObject, "spec"), "triggers"));
        Assert.Equal("prometheus", trigger["type"]);
        Assert.Equal("max(sum by (instance) (sdportal_jobs))", Map(trigger, "metadata")["query"]);
        Assert.Equal(WorkersPerHost(objects), Map(trigger, "metadata")["threshold"]);
        Assert.Equal("sdportal-inference", Map(Map(scaledObject, "spec"), "scaleTargetRef")["name"]);
    }

    [Fact]
    public async Task BrokenManifest_FailsValidation()
    {
        var copy = CopyToTemporaryFolder();
        try
        {
            var web = Path.Combine(copy, "base", "web.yaml");
            var text = await File.ReadAllTextAsync(web);
            Assert.Contains("replicas: 2\n", text, StringComparison.Ordinal);
            await File.WriteAllTextAsync(web, text.Replace("replicas: 2\n", "replicas: two\n", StringComparison.Ordinal));

            var (exitCode, report) = await ValidateAsync(await RenderAsync(copy));

            output.WriteLine(report);
            Assert.Equal(1, exitCode);
            Assert.Contains("INVALID apps/v1/Deployment sdportal-web: data/spec/replicas must be integer", report, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    [Fact]
    public async Task InferenceScaler_ScalesToZero_AfterFifteenIdleMinutes_AtTheHostsJobsPerHost()
    {
        var objects = Objects(await RenderAsync(Base));
        var spec = Map(Find(objects, "ScaledObject", "sdportal-inference"), "spec");
        var trigger = (Dictionary<object, object>)Assert.Single(List(spec, "triggers"));
        var metadata = Map(trigger, "metadata");

        Assert.Equal(("sdportal-inference", "0", "900"), (Map(spec, "scaleTargetRef")["name"], spec["minReplicaCount"], spec["cooldownPeriod"]));
        Assert.Equal(WorkersPerHost(objects), metadata["targetQueryValue"]);
        Assert.Equal("0", metadata["activationTargetQueryValue"]);
        Assert.Equal("sdportal-postgresql", Map(trigger, "authenticationRef")["name"]);
    }

    [Fact]
    public async Task InferenceHosts_AskForOneGpu_OnTheSpotPool_AndAreGivenTimeToHandTheirJobsBack()
    {
        var objects = Objects(await RenderAsync(Base));
        var pod = Map(Map(Map(Find(objects, "Deployment", "sdportal-inference"), "spec"), "template"), "spec");
        var container = (Dictionary<object, object>)Assert.Single(List(pod, "containers"));
        var resources = Map(container, "resources");
        var settings = Map(Find(objects, "ConfigMap", "sdportal-inference"), "data");

        Assert.Equal(("1", "1"), (Map(resources, "requests")["nvidia.com/gpu"], Map(resources, "limits")["nvidia.com/gpu"]));
        var tolerations = List(pod, "tolerations").Cast<Dictionary<object, object>>().Select(t => (string)t["key"]).ToList();
        Assert.Contains("nvidia.com/gpu", tolerations);
        Assert.Contains("karpenter.sh/capacity-type", tolerations);
        // The .NET host waits Jobs:ShutdownSeconds for hand-backs and exits within ShutdownSeconds + 15 (InferenceHostExtensions).
        var shutdownSeconds = int.Parse((string)settings["Jobs__ShutdownSeconds"], CultureInfo.InvariantCulture);
        var grace = int.Parse((string)pod["terminationGracePeriodSeconds"], CultureInfo.InvariantCulture);
        output.WriteLine($"Jobs:ShutdownSeconds {shutdownSeconds}, terminationGracePeriodSeconds {grace}");
        Assert.True(grace >= shutdownSeconds + 15, $"terminationGracePeriodSeconds {grace} does not cover Jobs:ShutdownSeconds {shutdownSeconds} + 15");
        Assert.Single(objects, o => (string)o["kind"] == "PodDisruptionBudget" && (string)Map(o, "metadata")["name"] == "sdportal-inference");
        Assert.Single(objects, o => (string)o["kind"] == "PodDisruptionBudget" && (string)Map(o, "metadata")["name"] == "sdportal-web");
    }

    /// <summary>The hosts' Jobs__WorkersPerDevice (one GPU per pod): the one owner of "jobs per host".</summary>
    private static object WorkersPerHost(IEnumerable<Dictionary<object, object>> objects) =>
        Map(Find(objects, "ConfigMap", "sdportal-inference"), "data")["Jobs__WorkersPerDevice"];
}
