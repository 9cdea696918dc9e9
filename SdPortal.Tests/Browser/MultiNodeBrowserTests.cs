using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using SdPortal.Data.Generation;
using SdPortal.Tests.Generation;
using SdPortal.Tests.Support;
using Xunit.Abstractions;

namespace SdPortal.Tests.Browser;

/// <summary>
/// Issue 16 in a browser (ADR-022): a Create page served by web node A watches the live preview of a job whose host
/// reports to web node B, and its Cancel stops that job — two nodes on one PostgreSQL and one real Redis.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class MultiNodeBrowserTests(BrowserFixture browser, ITestOutputHelper output)
{
    [Fact]
    public async Task ACreatePageOnNodeA_ShowsThePreviewOfAJobReportedToNodeB_AndCancelsIt()
    {
        var redis = TestRedis.Create();
        await using var nodes = await TwoWebNodes.StartAsync(redis);
        var owner = await nodes.A.RegisterTenantAsync("Browser Two Nodes");
        await nodes.StartHostOnBAsync(workers: 1);
        await using var session = await browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await session.NewPageAsync();
        await page.SignInAsync(nodes.A, owner.Email, owner.Password);
        await page.GotoInteractiveAsync(nodes.A, "/create");
        await page.DescribeJobAsync("a lighthouse on two nodes", steps: 50);
        await page.RecordPreviewSourcesAsync();

        await page.ClickAsync("#generate");
        // The preview image is fetched from node A (/api/v1/generations/{id}/preview): it loads only if A has B's preview.
        await Assertions.Expect(page.Locator("#job-preview")).ToBeVisibleAsync(new() { Timeout = 90_000 });
        await page.WaitForFunctionAsync("() => { const p = document.querySelector('#job-preview'); return p && p.complete && p.naturalWidth > 0; }",
            null, new() { Timeout = 30_000 });
        var stepShown = await page.Locator("#job-step").InnerTextAsync();
        await page.ClickAsync("#job-cancel");
        await Assertions.Expect(page.Locator("#job-ended")).ToContainTextAsync("Canceled", new() { Timeout = 30_000 });

        var job = await nodes.A.WithContextAsync(owner.TenantId, db => db.GenerationJobs.AsNoTracking().SingleAsync());
        var previews = await page.PreviewSourcesAsync();
        output.WriteLine($"Browser on node A: {previews.Length} preview URL(s) shown; '{stepShown}' at cancel; job ended {job.Status} at step {job.Step}/{job.TotalSteps}");
        Assert.Equal(GenerationJobStatus.Cancelled, job.Status);
        Assert.True(job.Step < job.TotalSteps, $"the job stopped before its end (step {job.Step}/{job.TotalSteps})");
        Assert.NotEmpty(previews);
    }
}
