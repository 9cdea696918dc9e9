using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SdPortal.Tests.Support;
using Xunit.Abstractions;

namespace SdPortal.Tests.Generation;

/// <summary>
/// Restart recovery of the embedded default (issue 12): <c>kill -9</c> of the portal process while ten jobs of five
/// tenants run on its in-process workers, then the README's run command again on the same data folder. The jobs must
/// come back within the lease (5 s here), not Hangfire's 30-minute invisibility timeout, and each be charged once.
/// </summary>
public sealed class EmbeddedCrashTests(ITestOutputHelper output)
{
    private const int Tenants = 5;
    private const int JobsPerTenant = 2; // the free plan's concurrency
    private const int LeaseSeconds = 5;

    [Fact]
    public async Task KillDashNine_EmbeddedPortalMidJob_RestartRecoversEveryJobWithinTheLease_ChargedOnce()
    {
        var data = Directory.CreateTempSubdirectory("sdportal-crash-").FullName;
        (string, string)[] settings =
        [
            ("Models:Directory", PortalWebFactory.SharedModels), ("Jobs:WorkerCount", $"{Tenants * JobsPerTenant}"),
            ("Generation:LeaseSeconds", $"{LeaseSeconds}"), ("Generation:RecoverySweepSeconds", "1"),
        ];
        // Both runs mail to one test SMTP server: registration credits come with the mailed confirmation link.
        await using var mail = await TestSmtpServer.StartAsync();
        settings = [.. settings, .. mail.PortalSettings];
        var first = EmbeddedPortalProcess.Start(data, settings: settings);
        var port = first.Address.Port;
        var owners = new List<HttpClient>();
        var jobs = new List<(HttpClient Owner, Guid Id)>();
        try
        {
            Assert.True(await first.WaitReadyAsync() == HttpStatusCode.OK, first.Output);
            for (var t = 0; t < Tenants; t++)
            {
                var owner = await first.RegisterOwnerAsync(mail, $"Crash {t}");
                owners.Add(owner);
                for (var j = 0; j < JobsPerTenant; j++)
                {
                    // 256² × 50 steps, ten at once on two cores: each runs for many seconds.
                    jobs.Add((owner, await SubmitAsync(owner, PortalWebFactory.TinyRequest(("steps", 50), ("width", 256), ("height", 256), ("seed", j)))));
                }
            }

            var watch = Stopwatch.StartNew();
            while (!(await Task.WhenAll(jobs.Select(j => StatusAsync(j.Owner, j.Id)))).All(s => s is "running"))
            {
                Assert.True(watch.Elapsed < TimeSpan.FromSeconds(90), $"Not all jobs started:\n{first.Output}");
                await Task.Delay(100);
            }

            await first.KillHardAsync();
        }
        finally
        {
            await first.DisposeAsync();
        }

        var killed = Stopwatch.StartNew();
        await using var second = EmbeddedPortalProcess.Start(data, port, settings);
        Assert.True(await second.WaitReadyAsync() == HttpStatusCode.OK, second.Output);
        var restartedAfter = killed.Elapsed;
        var done = new Dictionary<Guid, TimeSpan>();
        while (done.Count < jobs.Count)
        {
            foreach (var (owner, id) in jobs.Where(j => !done.ContainsKey(j.Id)))
            {
                var status = await StatusAsync(owner, id);
                Assert.False(status is "failed" or "canceled", $"Job {id} ended {status}:\n{second.Output}");
                if (status == "succeeded")
                {
                    done[id] = killed.Elapsed;
                }
            }

            Assert.True(killed.Elapsed < TimeSpan.FromSeconds(240), $"{done.Count}/{jobs.Count} recovered after {killed.Elapsed}:\n{second.Output}");
            await Task.Delay(250);
        }

        var balances = await Task.WhenAll(owners.Select(async o => (await GetAsync(o, "/api/v1/tenant")).GetProperty("credits").GetInt64()));
        var images = await Task.WhenAll(jobs.Select(async j => (await GetAsync(j.Owner, $"/api/v1/generations/{j.Id}")).GetProperty("images").GetArrayLength()));
        var seconds = done.Values.Select(t => t.TotalSeconds).Order().ToList();
        var logged = second.Output.Split('\n').Count(l => l.Contains("lapsed at", StringComparison.Ordinal));
        output.WriteLine($"Embedded kill -9 with {jobs.Count} jobs running: portal ready again {restartedAfter.TotalSeconds:F1} s after the kill; " +
                         $"lapsed leases recovered {logged}; jobs succeeded after the kill p50 {seconds[seconds.Count / 2]:F1} s, max {seconds[^1]:F1} s " +
                         $"(lease {LeaseSeconds} s, Hangfire invisibility 1800 s); balances {string.Join(", ", balances)}; images per job {images.Min()}–{images.Max()}");
        Assert.Equal(jobs.Count, logged);
        Assert.All(balances, b => Assert.Equal(100 - JobsPerTenant, b));
        Assert.All(images, n => Assert.Equal(1, n));
        owners.ForEach(o => o.Dispose());
    }

    private static async Task<Guid> SubmitAsync(HttpClient owner, Dictionary<string, object?> body)
    {
        var response = await owner.PostAsJsonAsync(new Uri("/api/v1/generations", UriKind.Relative), body, PortalWebFactory.Json);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(PortalWebFactory.Json)).GetProperty("id").GetGuid();
    }

    private static async Task<string?> StatusAsync(HttpClient owner, Guid id) =>
        (await GetAsync(owner, $"/api/v1/generations/{id}")).GetProperty("status").GetString();

    private static async Task<JsonElement> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(PortalWebFactory.Json);
    }
}
