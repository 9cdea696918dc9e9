using SdPortal.Tests.Generation;
using SdPortal.Tests.Pipeline.Support;
using SdPortal.Tests.Support;
using static SdPortal.Tests.Lora.LoraTestFiles;
using static SdPortal.Tests.Support.Routes;

namespace SdPortal.Tests.Lora;

/// <summary>
/// An inference host in its own process runs a job with a tenant's adapter: the ticket names the file by hash, the
/// host fetches it from the portal under the job's lease, and the image records it.
/// </summary>
public sealed class LoraInferenceHostTests
{
    [Fact]
    public async Task ARemoteHost_FetchesTheJobsAdapterByHash_AndAppliesIt()
    {
        await using var cluster = await InferenceHostCluster.StartAsync(invisibilityTimeoutSeconds: 1800);
        var (_, owner) = await cluster.Portal.RegisterAndLoginAsync("Remote Mugs");
        var file = Valid(cluster.Portal, rank: 4, seed: 5);
        await UploadedAsync(owner, file, "remote-mug");
        await cluster.StartHostAsync(workers: 1); // the cluster stops it

        var plain = await ImageOfAsync(owner, PortalWebFactory.TinyRequest(("seed", 3)));
        var adapted = await ImageOfAsync(owner, PortalWebFactory.TinyRequest(("seed", 3), ("prompt", "a red fox in the snow <lora:remote-mug:1>")));

        Assert.NotEqual(PngInspection.Pixels(plain), PngInspection.Pixels(adapted));
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(file))[..12];
        Assert.Contains($"Lora hashes: \"remote-mug: {hash}\"", PngInspection.Text(adapted, "parameters"), StringComparison.Ordinal);
    }

    private static async Task<byte[]> ImageOfAsync(HttpClient client, Dictionary<string, object?> body)
    {
        var id = await PortalWebFactory.SubmitAcceptedAsync(client, body);
        var job = await PortalWebFactory.WaitForStatusAsync(client, id, "succeeded", TimeSpan.FromSeconds(120));
        return await client.GetByteArrayAsync(U(job.GetProperty("images")[0].GetProperty("url").GetString()!));
    }
}
