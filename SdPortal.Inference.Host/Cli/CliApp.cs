using System.CommandLine;

namespace SdPortal.Inference.Cli;

/// <summary>Dispatches the engine's console commands.</summary>
public static class CliApp
{
    /// <summary>How long a command may take to stop after Ctrl+C or SIGTERM before the process ends anyway.</summary>
    public static readonly TimeSpan ShutdownGrace = TimeSpan.FromMinutes(10);

    /// <summary>Runs the command named by the first argument and returns the process exit code.</summary>
    public static Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("SdPortal inference engine: the inference host and the diffusion CLI.");
        foreach (var command in DiscoverCommands())
        {
            root.Subcommands.Add(command.Build());
        }

        // Ctrl+C/SIGTERM cancel the command's token; System.CommandLine's default then gives it only 2 s before the
        // process ends, too short for the inference host to hand its running jobs back (R13).
        return root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = ShutdownGrace });
    }

    private static IEnumerable<ICliCommand> DiscoverCommands() =>
        typeof(CliApp).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(ICliCommand).IsAssignableFrom(t))
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .Select(t => (ICliCommand)Activator.CreateInstance(t)!);
}
