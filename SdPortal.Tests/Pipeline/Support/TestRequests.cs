using SdPortal.Inference.Pipeline;

namespace SdPortal.Tests.Pipeline.Support;

public static class TestRequests
{
    /// <summary>A cheap valid request: 64×64, 4 guided steps of Euler, fixed seed.</summary>
    public static GenerationSpec Small(ulong? seed = 42) => new()
    {
        Prompt = "a photo of a cat",
        NegativePrompt = "blurry",
        Steps = 4,
        GuidanceScale = 7.5,
        Scheduler = "Euler",
        Seed = seed,
        Width = 64,
        Height = 64,
    };
}
