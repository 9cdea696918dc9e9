namespace SdPortal.Inference.Cli;

/// <summary>Dispatches the engine's console commands.</summary>
public static class CliApp
{
    /// <summary>Runs the command named by the first argument and returns the process exit code.</summary>
    public static Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine("usage: SdPortal.Inference <command> [options]");
            return Task.FromResult(2);
        }

        Console.Error.WriteLine($"unknown command '{args[0]}'");
        return Task.FromResult(2);
    }
}
