using SdPortal.Inference.Pipeline;
using SdPortal.Inference.Schedulers;
using SdPortal.Tests.Pipeline.Support;

namespace SdPortal.Tests.Pipeline;

public sealed class PipelineValidationTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    public static TheoryData<string, GenerationSpec> InvalidRequests => new()
    {
        { "prompt", TestRequests.Small() with { Prompt = "" } },
        { "prompt", TestRequests.Small() with { Prompt = "   " } },
        { "prompt", TestRequests.Small() with { Prompt = "a cat\0" } },
        { "negativePrompt", TestRequests.Small() with { NegativePrompt = "x\0y" } },
        { "negativePrompt", TestRequests.Small() with { NegativePrompt = null! } },
        { "steps", TestRequests.Small() with { Steps = 0 } },
        { "steps", TestRequests.Small() with { Steps = 151 } },
        { "guidanceScale", TestRequests.Small() with { GuidanceScale = -0.5 } },
        { "guidanceScale", TestRequests.Small() with { GuidanceScale = 30.5 } },
        { "guidanceScale", TestRequests.Small() with { GuidanceScale = double.NaN } },
        { "width", TestRequests.Small() with { Width = 100 } },
        { "width", TestRequests.Small() with { Width = 56 } },
        { "height", TestRequests.Small() with { Height = 2056 } },
        { "batchSize", TestRequests.Small() with { BatchSize = 0 } },
        { "batchSize", TestRequests.Small() with { BatchSize = 9 } },
        { "scheduler", TestRequests.Small() with { Scheduler = "Nope 3000" } },
        { "initialLatents", TestRequests.Small() with { InitialLatents = new float[10] } },
    };

    [Theory]
    [MemberData(nameof(InvalidRequests))]
    public void Validate_BadField_NamesThatFieldOnly(string field, GenerationSpec request)
    {
        var errors = request.Validate();

        var error = Assert.Single(errors);
        Assert.Equal(field, error.Field);
    }

    [Theory]
    [MemberData(nameof(InvalidRequests))]
    public async Task Generate_BadRequest_ThrowsValidationExceptionBeforeAnyStep(string field, GenerationSpec request)
    {
        var progress = new SynchronousProgress();

        var ex = await Assert.ThrowsAsync<GenerationValidationException>(() => model.Pipeline.GenerateAsync(request, progress));

        Assert.Equal(field, Assert.Single(ex.Errors).Field);
        Assert.Empty(progress.Reports);
    }

    [Fact]
    public void Validate_UnknownScheduler_ListsTheValidNames()
    {
        var error = Assert.Single((TestRequests.Small() with { Scheduler = "Nope" }).Validate());

        Assert.All(SchedulerFactory.Names, name => Assert.Contains(name, error.Message, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("euler_a")]
    [InlineData("dpm++ 2m karras")]
    [InlineData("PLMS")]
    public void Validate_SchedulerAliases_AreAccepted(string scheduler) =>
        Assert.Empty((TestRequests.Small() with { Scheduler = scheduler }).Validate());

    [Fact]
    public async Task Generate_StepsBeyondWhatTheSchedulerAllows_IsAFieldErrorBeforeAnyStep()
    {
        var progress = new SynchronousProgress();

        var ex = await Assert.ThrowsAsync<GenerationValidationException>(
            () => model.Pipeline.GenerateAsync(TestRequests.Small() with { Scheduler = "LCM", Steps = 60 }, progress));

        Assert.Equal("steps", Assert.Single(ex.Errors).Field);
        Assert.Empty(progress.Reports);
    }

    [Fact]
    public void Validate_SeveralBadFields_ReportsEachOfThem()
    {
        var request = TestRequests.Small() with { Prompt = "", Steps = 0, Width = 7, Height = 4096 };

        Assert.Equal(["prompt", "steps", "width", "height"], request.Validate().Select(e => e.Field));
    }

    [Theory]
    [InlineData(64, 64, 1, 0.0)]
    [InlineData(2048, 2048, 8, 30.0)]
    [InlineData(512, 768, 1, 1.0)]
    public void Validate_RequestsAtTheLimits_AreValid(int width, int height, int batch, double guidance)
    {
        var request = TestRequests.Small() with { Width = width, Height = height, BatchSize = batch, GuidanceScale = guidance };

        Assert.Empty(request.Validate());
    }

    [Fact]
    public void Validate_LatentsOfTheRightLength_AreValid()
    {
        var request = TestRequests.Small() with { BatchSize = 2, InitialLatents = new float[2 * 4 * 8 * 8] };

        Assert.Empty(request.Validate());
    }
}
