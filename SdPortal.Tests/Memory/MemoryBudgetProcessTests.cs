using System.Diagnostics;
using System.Text.Json;
using SdPortal.Inference.Cli;
using SdPortal.Tests.Pipeline.Support;
using SdPortal.Tests.Support;

namespace SdPortal.Tests.Memory;

/// <summary>
/// The job memory budget against the real peak: <c>generate</c> runs in its own process, so its VmHWM (which it
/// prints) counts this request and nothing of the test host's. Linux only, as /proc is.
/// </summary>
public sealed class MemoryBudgetProcessTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>, IDisposable
{
    // 384² at batch 1 fits (estimated 0.64 GB, measured 0.50 GB), batch 2 does not (1.06 GB); batch 4 in one pass peaks near 1.6 GB.
    private const long Budget = 1_000_000_000;

    private readonly string _out = Path.Combine(Path.GetTempPath(), "sdportal-tests", $"memory-{Guid.NewGuid():N}");

    [Fact]
    public async Task Generate_LargestFreePlanBatchUnderASmallBudget_RunsInPassesAndPeaksWithinTheBudget()
    {
        var unbudgeted = await GenerateAsync();
        var budgeted = await GenerateAsync("--memory-budget", $"{Budget}");

        // Without the budget the same request goes over it, so staying within it below is the passes' doing.
        Assert.True(unbudgeted.Peak > Budget, $"one pass peaked at {unbudgeted.Peak} bytes");
        Assert.Equal(4, budgeted.Images);
        Assert.InRange(budgeted.ImagesPerPass, 1, 3);
        Assert.True(budgeted.Peak <= Budget, $"in passes of {budgeted.ImagesPerPass} it peaked at {budgeted.Peak} bytes");
        Assert.True(budgeted.Estimate >= budgeted.Peak, $"estimate {budgeted.Estimate} under the measured {budgeted.Peak}");
    }

    [Fact]
    public async Task Generate_ImageOverTheBudgetAlone_ExitsWithTwoNamingWidth()
    {
        var (exit, _, stderr) = await RunAsync(["--width", "768", "--height", "768", "--batch", "1", "--memory-budget", $"{Budget}"]);

        Assert.Equal(GenerateCommand.InvalidInputExitCode, exit);
        Assert.Contains("error: width: 768×768 needs about", stderr, StringComparison.Ordinal);
        Assert.Contains("this server allows 1.0 GB per job", stderr, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(_out))
        {
            Directory.Delete(_out, recursive: true);
        }
    }

    private async Task<(long Peak, int Images, int ImagesPerPass, long Estimate)> GenerateAsync(params string[] extra)
    {
        var (exit, stdout, stderr) = await RunAsync(["--width", "384", "--height", "384", "--batch", "4", .. extra]);
        Assert.True(exit == 0, stderr);
        var root = JsonDocument.Parse(stdout).RootElement;
        var memory = root.GetProperty("memory");
        return (
            memory.GetProperty("peakResidentBytes").GetInt64(),
            root.GetProperty("files").GetArrayLength(),
            memory.GetProperty("imagesPerPass").GetInt32(),
            memory.GetProperty("estimatedPeakBytes").GetInt64());
    }

    private async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        string[] common =
        [
            TestPaths.InferenceExecutable, "generate", "--model", model.Directory,
            "--prompt", "a red fox", "--steps", "2", "--scheduler", "Euler", "--seed", "3", "--out", _out,
        ];
        foreach (var argument in common.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }
}
