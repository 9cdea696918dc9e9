using Bunit;
using SdPortal.Web.Components.Create;
using SdPortal.Web.Ui;

namespace SdPortal.Tests.Components;

public sealed class JobProgressCardTests : PortalComponentTest
{
    private static readonly Guid JobId = Guid.CreateVersion7();

    [Fact]
    public void Running_ShowsStepOfTotal_ThePreviewAndCancel()
    {
        var job = new JobView(JobId, "running", 5, 20, RemainingSeconds: 3.2, PreviewUrl: JobView.PreviewUrlOf(JobId, 4));
        var cancels = 0;
        var cut = Render<JobProgressCard>(p => p.Add(c => c.Job, job).Add(c => c.OnCancel, () => cancels++));

        Assert.Contains("Step 5 / 20", cut.Find("#job-step").TextContent, StringComparison.Ordinal);
        Assert.Contains("about 4 s left", cut.Find("#job-step").TextContent, StringComparison.Ordinal);
        Assert.Equal($"/api/v1/generations/{JobId}/preview?step=4", cut.Find("#job-preview").GetAttribute("src"));
        cut.Find("#job-cancel").Click();
        Assert.Equal(1, cancels);
    }

    [Fact]
    public void Queued_ShowsPositionAndStart_WithCancel()
    {
        var cut = Render<JobProgressCard>(p => p.Add(c => c.Job, new JobView(JobId, "queued", 0, 20, QueuePosition: 3, EstimatedStartSeconds: 12)));

        Assert.Contains("position 3", cut.Find("#job-queue").TextContent, StringComparison.Ordinal);
        Assert.Contains("about 12 s", cut.Find("#job-queue").TextContent, StringComparison.Ordinal);
        Assert.Single(cut.FindAll("#job-cancel"));
    }

    [Fact]
    public void QueuedWithNoWorker_SaysItWaitsForAGpuToStart_InsteadOfAnEta()
    {
        var job = new JobView(JobId, "queued", 0, 20, QueuePosition: 1, EstimatedStartSeconds: 0,
            WaitReason: SdPortal.Web.Generation.FairDispatcher.WaitingForGpuReason, WaitingForGpu: true);
        var cut = Render<JobProgressCard>(p => p.Add(c => c.Job, job));

        var heading = cut.Find("#job-queue");
        Assert.Equal("Waiting for a GPU to start (position 1)", heading.TextContent.Trim());
        Assert.Equal("true", heading.GetAttribute("data-waiting-for-gpu"));
        Assert.DoesNotContain("starts in", cut.Markup, StringComparison.Ordinal);
        Assert.Equal(SdPortal.Web.Generation.FairDispatcher.WaitingForGpuReason, cut.Find("#job-wait-reason").TextContent);
        Assert.Single(cut.FindAll("#job-cancel"));
    }

    [Theory]
    [InlineData("succeeded")]
    [InlineData("failed")]
    [InlineData("canceled")]
    public void Ended_HasNoCancel(string status)
    {
        var cut = Render<JobProgressCard>(p => p.Add(c => c.Job, new JobView(JobId, status, 20, 20, Error: status == "failed" ? "out of memory" : null)));

        Assert.Empty(cut.FindAll("#job-cancel"));
        Assert.Empty(cut.FindAll("#job-preview"));
        if (status == "failed")
        {
            Assert.Contains("out of memory", cut.Find("#job-ended").TextContent, StringComparison.Ordinal);
        }
    }
}
