using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using SdPortal.Data;

namespace SdPortal.Web.Hosting;

/// <summary>Says in one line where the portal answers and where its data lives, once the server listens.</summary>
internal sealed class StartupBanner(
    IServer server,
    IHostApplicationLifetime lifetime,
    PortalStorage storage,
    ILogger<StartupBanner> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() =>
        {
            var urls = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            logger.LogInformation(
                "SdPortal is ready at {Urls} (database: {Provider}, data folder: {DataDirectory})",
                string.Join(", ", urls), storage.Provider, storage.DataDirectory);
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
