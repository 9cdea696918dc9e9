using System.CommandLine;
using System.Text.Json;
using SdPortal.Inference.Cli;
using SdPortal.Tests.Support;

namespace SdPortal.Tests.Schedulers;

public sealed class SchedulerTraceCommandTests
{
    [Fact]
    public void Invoke_Euler20Steps_PrintsTheReferenceTrace()
    {
        var (exitCode, output, _) = Run("--config", TestPaths.Sd15SchedulerConfig, "--scheduler", "Euler", "--steps", "20");

        Assert.Equal(0, exitCode);
        using var json = JsonDocument.Parse(output);
        var expected = SchedulerFixture.Load("euler").Case(20, "epsilon");
        Assert.Equal(expected.Timesteps, Doubles(json.RootElement.GetProperty("timesteps")));
        Assert.Equal(expected.Sigmas!, Doubles(json.RootElement.GetProperty("sigmas")));
        var final = Doubles(json.RootElement.GetProperty("final"));
        Tolerance.AssertClose(expected.Final!, final.ConvertAll(v => (float)v), 1e-4, "CLI Euler");
    }

    [Fact]
    public void Invoke_DdimWithVPrediction_PrintsNullSigmas()
    {
        var (exitCode, output, _) = Run("--config", TestPaths.Sd15SchedulerConfig, "--scheduler", "ddim", "--steps", "7", "--prediction", "v_prediction");

        Assert.Equal(0, exitCode);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("sigmas").ValueKind);
        var expected = SchedulerFixture.Load("ddim").Case(7, "v_prediction");
        Tolerance.AssertClose(expected.Final!, Doubles(json.RootElement.GetProperty("final")).ConvertAll(v => (float)v), 1e-4, "CLI DDIM v");
    }

    [Theory]
    [InlineData("Euler a")]
    [InlineData("LCM")]
    public void Invoke_StochasticScheduler_PrintsNullFinal(string name)
    {
        var (exitCode, output, _) = Run("--config", TestPaths.Sd15SchedulerConfig, "--scheduler", name, "--steps", "4");

        Assert.Equal(0, exitCode);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("final").ValueKind);
        Assert.Equal(4, json.RootElement.GetProperty("timesteps").GetArrayLength());
    }

    [Fact]
    public void Invoke_UnknownScheduler_FailsWithTheValidNames()
    {
        var (exitCode, _, error) = Run("--config", TestPaths.Sd15SchedulerConfig, "--scheduler", "Karras", "--steps", "20");

        Assert.Equal(1, exitCode);
        Assert.Contains("DPM++ 2M Karras", error, StringComparison.Ordinal);
    }

    private static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = new SchedulerTraceCommand().Build().Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }

    private static List<double> Doubles(JsonElement array)
    {
        var values = new List<double>();
        foreach (var item in array.EnumerateArray())
        {
            values.Add(item.GetDouble());
        }

        return values;
    }
}
