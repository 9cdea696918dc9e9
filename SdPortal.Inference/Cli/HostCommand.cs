using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SdPortal.Inference.Hosting;

namespace SdPortal.Inference.Cli;

/// <summary><c>host</c>: runs the inference host until stopped (SIGTERM/Ctrl+C), serving the configured devices.</summary>
internal sealed class HostCommand : ICliCommand
{
    public Command Build()
    {
        var command = new Command("host", "Run the inference host: serve this machine's devices until stopped.");
        command.SetAction((_, cancellationToken) => RunAsync(cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddOptions<InferenceHostOptions>()
            .BindConfiguration(InferenceHostOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
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
