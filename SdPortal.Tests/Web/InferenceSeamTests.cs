using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SdPortal.Tests.Support;
using Xunit.Abstractions;

namespace SdPortal.Tests.Web;

/// <summary>
/// The contracts seam (ADR-025) in real processes (<c>dotnet SdPortal.Web.dll</c>): a web node with
/// <c>Jobs:RunInferenceInProcess</c> false serves pages, admits a generation (the catalogue and the job memory budget
/// answer) and queues it without ever mapping ONNX Runtime's native library; the embedded default, which runs the job,
/// maps it, so the check below sees the library when it is there.
/// </summary>
public sealed class InferenceSeamTests(ITestOutputHelper output)
{
    private const string NativeRuntime = "libonnxruntime.so";

    [Fact]
    public async Task AWebNodeWithoutInProcessInference_ServesAndQueuesAJob_WithoutLoadingOnnxRuntime()
    {
        await using var mail = await TestSmtpServer.StartAsync();
        await using var portal = Start(mail, ("Jobs:RunInferenceInProcess", "false"));
        Assert.True(await portal.WaitReadyAsync() == HttpStatusCode.OK, portal.Output);
        using var owner = await portal.RegisterOwnerAsync(mail, "Seam Remote");

        var id = await SubmitAsync(owner);
        Assert.Equal("queued", await StatusAsync(owner, id));
        using var anonymous = portal.CreateClient();
        using var home = await anonymous.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        using var tenant = await owner.GetAsync(new Uri("/api/v1/tenant", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, tenant.StatusCode);

        var loaded = portal.LoadedLibraries();
        output.WriteLine($"Web node without in-process inference: {loaded.Count} shared libraries mapped, ONNX Runtime's among them: {loaded.Contains(NativeRuntime)}");
        Assert.Contains(loaded, l => l.StartsWith("libcoreclr", StringComparison.Ordinal)); // the check reads the real maps
        Assert.DoesNotContain(loaded, l => l.Contains("onnxruntime", StringComparison.Ordinal));
        Assert.DoesNotContain("Inference:Devices is auto", portal.Output, StringComparison.Ordinal); // no engine started
    }

    [Fact]
    public async Task TheEmbeddedDefault_RunsTheJobInProcess_AndThenHasOnnxRuntimeLoaded()
    {
        await using var mail = await TestSmtpServer.StartAsync();
        await using var portal = Start(mail, ("Inference:Devices", "cpu"));
        Assert.True(await portal.WaitReadyAsync() == HttpStatusCode.OK, portal.Output);
        using var owner = await portal.RegisterOwnerAsync(mail, "Seam Embedded");

        var id = await SubmitAsync(owner);
        string? status;
        using (var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(120)))
        {
            while ((status = await StatusAsync(owner, id)) is "queued" or "running" && !deadline.IsCancellationRequested)
            {
                await Task.Delay(100, CancellationToken.None);
            }
        }

        Assert.True(status == "succeeded", $"The job ended {status}:\n{portal.Output}");
        Assert.Contains(NativeRuntime, portal.LoadedLibraries());
    }

    private static EmbeddedPortalProcess Start(TestSmtpServer mail, params (string Key, string Value)[] settings) =>
        EmbeddedPortalProcess.Start(
            Directory.CreateTempSubdirectory("sdportal-seam-").FullName,
            settings: [("Models:Directory", PortalWebFactory.SharedModels), .. mail.PortalSettings, .. settings]);

    private static async Task<Guid> SubmitAsync(HttpClient owner)
    {
        using var response = await owner.PostAsJsonAsync(new Uri("/api/v1/generations", UriKind.Relative), PortalWebFactory.TinyRequest(), PortalWebFactory.Json);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(PortalWebFactory.Json)).GetProperty("id").GetGuid();
    }

    private static async Task<string?> StatusAsync(HttpClient owner, Guid id)
    {
        using var response = await owner.GetAsync(new Uri($"/api/v1/generations/{id}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(PortalWebFactory.Json)).GetProperty("status").GetString();
    }
}
