using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SdPortal.Data;
using SdPortal.Data.Entities;
using SdPortal.Data.Tenancy;

namespace SdPortal.Tests.Support;

/// <summary>The real portal on a test database, with intent methods for the tests that drive it.</summary>
public sealed partial class PortalWebFactory(TestDatabase database, IReadOnlyDictionary<string, string?>? extraSettings = null)
    : WebApplicationFactory<Program>
{
    public TestDatabase Database => database;

    /// <summary>Replacements of the portal's services for one test (a slow or failing engine).</summary>
    public Action<IServiceCollection>? TestServices { get; init; }

    /// <summary>The hosting environment; "Development" is what the README's `dotnet run` uses.</summary>
    public string EnvironmentName { get; init; } = "Testing";

    /// <summary>Mail the portal sent, captured instead of logged.</summary>
    public CapturedEmails Emails { get; } = new();

    /// <summary>Runs <paramref name="action"/> with a context acting for <paramref name="tenantId"/> (or none).</summary>
    public async Task<T> WithContextAsync<T>(Guid? tenantId, Func<PortalDbContext, Task<T>> action)
    {
        await using var scope = Services.CreateAsyncScope();
        if (tenantId is { } id)
        {
            scope.ServiceProvider.GetRequiredService<TenantContext>().Set(id);
        }

        var context = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        return await action(context);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(EnvironmentName);
        // As strict as Development, which `dotnet run` uses: a singleton holding a scoped service fails the test host too.
        builder.UseDefaultServiceProvider(o =>
        {
            o.ValidateScopes = true;
            o.ValidateOnBuild = true;
        });
        // Outside Development, package assets (_content/MudBlazor, _framework) come from the build's static web assets manifest.
        builder.UseStaticWebAssets();
        builder.ConfigureServices(services => services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5)));
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<IEmailSender<PortalUser>>(Emails);
            TestServices?.Invoke(services);
        });
        foreach (var (key, value) in database.Settings.Concat(extraSettings ?? new Dictionary<string, string?>()))
        {
            builder.UseSetting(key, value);
        }
    }
}
