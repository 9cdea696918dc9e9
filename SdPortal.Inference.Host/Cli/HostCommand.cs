using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SdPortal.Inference.Hosting;

namespace SdPortal.Inference.Cli;

/// <summary>
/// <c>host</c>: runs the inference host until stopped, serving the configured devices from the portal's job queue.
/// SIGTERM or Ctrl+C stops it gracefully: running jobs are handed back and run again elsewhere (R13).
/// </summary>
internal sealed class HostCommand : ICliCommand
{
    public Command Build()
    {
        var command = new Command("host", "Run the inference host: take generation jobs from the portal's queue on this machine's devices until stopped.");
        command.SetAction((_, cancellationToken) => RunAsync(cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.AddInferenceHost();
        // One line per gateway call at Information would drown the job log; failures still show as warnings.
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        builder.Services.AddHostedService<DeviceAnnouncer>();
        using var host = builder.Build();
        await host.RunAsync(cancellationToken);
        return 0;
    }

    /// <summary>Logs, once at start, which ONNX Runtime providers exist and which devices this host serves.</summary>
    private sealed class DeviceAnnouncer(IOptions<InferenceHostOptions> options, ILogger<DeviceAnnouncer> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            var providers = DeviceInventory.AvailableProviders();
            var devices = DeviceInventory.Resolve(options.Value.Devices, providers);
            logger.LogInformation("Inference host serving {Devices} (ONNX Runtime providers: {Providers})",
                string.Join(", ", devices), string.Join(", ", providers));
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
