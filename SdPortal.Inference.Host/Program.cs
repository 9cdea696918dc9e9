using SdPortal.Inference.Cli;

namespace SdPortal.Inference;

/// <summary>The console entry point: the inference host and the CLI commands.</summary>
internal static class InferenceProgram
{
    public static Task<int> Main(string[] args) => CliApp.RunAsync(args);
}
