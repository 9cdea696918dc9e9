using System.CommandLine;

namespace SdPortal.Inference.Cli;

/// <summary>Dispatches the engine's console commands.</summary>
public static class CliApp
{
    /// <summary>Runs the command named by the first argument and returns the process exit code.</summary>
    public static Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("SdPortal inference engine: the inference host and the diffusion CLI.");
        foreach (var command in DiscoverCommands())
        {
            root.Subcommands.Add(command.Build());
        }

        return root.Parse(args).InvokeAsync();
    }

    private static IEnumerable<ICliCommand> DiscoverCommands() =>
        typeof(CliApp).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(ICliCommand).IsAssignableFrom(t))
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .Select(t => (ICliCommand)Activator.CreateInstance(t)!);
}
