using SdPortal.LoadBenchmark;

// Drives a portal as its clients do (REST to submit, the SignalR hub to watch) and prints the figures as Markdown.
// Without --url it starts the embedded default (SQLite, in-process workers) from this program's own build output.
var options = BenchmarkOptions.Parse(args);
await using var embedded = options.Url is null ? await EmbeddedPortal.StartAsync(options.Workers, options.Models) : null;
var portal = options.Url ?? embedded!.Url;
Console.WriteLine($"Load benchmark against {portal} ({(embedded is null ? "given portal" : $"embedded, {options.Workers} workers")}): " +
    $"{options.Jobs} jobs from {options.Tenants} tenants, tiny-synthetic {options.Size}² × {options.Steps} steps Euler; " +
    $"{Environment.ProcessorCount} logical CPUs");
Console.Write(await LoadRun.RunAsync(portal, options, embedded is null ? null : embedded.ConfirmationLinkAsync));
return 0;
