using System.CommandLine;

namespace SdPortal.Inference.Cli;

/// <summary>
/// One console command of the engine (generate, tokenize, scheduler-trace, synth, host). Implementations are found by
/// reflection, so adding a command is adding one file.
/// </summary>
public interface ICliCommand
{
    /// <summary>Builds the System.CommandLine command with its options and action.</summary>
    Command Build();
}
