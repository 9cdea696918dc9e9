using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SdPortal.Data;
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

    private TestSmtpServer? _mail;

    /// <summary>False: the SMTP server's port is reserved but nothing listens until the test calls <see cref="TestSmtpServer.ListenAsync"/>.</summary>
    public bool StartMailServer { get; init; } = true;

    /// <summary>The SMTP server the portal mails to (<c>Email:Delivery</c> Smtp); what a user would find in their inbox.</summary>
    public TestSmtpServer Mail => _mail ??= StartMailServer ? TestSmtpServer.StartAsync().GetAwaiter().GetResult() : TestSmtpServer.Reserve();

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

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_mail is not null)
        {
            await _mail.DisposeAsync();
        }
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
        builder.ConfigureTestServices(services => TestServices?.Invoke(services));
        // Tests register many tenants from one (test server) address; the sign-up limit has tests of its own that lower it.
        var defaults = new Dictionary<string, string?> { ["Auth:RegistrationsPerWindow"] = "10000" };
        foreach (var (key, value) in Mail.PortalSettings)
        {
            defaults[key] = value;
        }

        foreach (var (key, value) in database.Settings.Concat(defaults).Concat(extraSettings ?? new Dictionary<string, string?>()))
        {
            builder.UseSetting(key, value);
        }
    }
}
