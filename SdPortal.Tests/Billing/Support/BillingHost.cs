using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SdPortal.Data;
using SdPortal.Data.Billing;
using SdPortal.Data.Entities;
using SdPortal.Data.Tenancy;
using SdPortal.Data.Tenants;
using SdPortal.Tests.Support;

namespace SdPortal.Tests.Billing.Support;

/// <summary>
/// The portal with billing configured (one plan, one pack, the test webhook secret, fast retries, <see cref="TestClock"/>),
/// with intent methods: register an owner, link a Stripe customer, deliver signed webhooks, wait for processing.
/// </summary>
public sealed partial class BillingHost : IAsyncDisposable
{
    public const string WebhookSecret = "whsec_test_billing_endpoint";

    private readonly PortalWebFactory _portal;
    private readonly WebApplicationFactory<Program> _factory;

    private BillingHost(TestDatabase database, PortalWebFactory portal, WebApplicationFactory<Program> factory, TestClock clock)
    {
        (Database, _portal, _factory, Clock) = (database, portal, factory, clock);
        Client = factory.CreateClient();
    }

    public TestDatabase Database { get; }

    public TestClock Clock { get; }

    /// <summary>An anonymous client, as Stripe is.</summary>
    public HttpClient Client { get; }

    public IServiceProvider Services => _factory.Services;

    public static async Task<BillingHost> StartAsync(
        DatabaseProvider provider, string? stripeApiBase = null, Action<IServiceCollection>? services = null,
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        var database = await TestDatabase.CreateAsync(provider);
        var clock = new TestClock();
        var all = new Dictionary<string, string?>
        {
            ["Stripe:SecretKey"] = "sk_test_portal",
            ["Stripe:WebhookSecret"] = WebhookSecret,
            ["Stripe:ApiBase"] = stripeApiBase ?? "http://127.0.0.1:9",
            ["Billing:Plans:0:Key"] = "free",
            ["Billing:Plans:0:Name"] = "Free",
            ["Billing:Plans:0:MonthlyCredits"] = "100",
            ["Billing:Plans:1:Key"] = "pro",
            ["Billing:Plans:1:Name"] = "Pro",
            ["Billing:Plans:1:MonthlyCredits"] = $"{StripePayloads.ProMonthlyCredits}",
            ["Billing:Plans:1:StripePriceId"] = StripePayloads.ProPrice,
            ["Billing:Plans:1:MaxConcurrentJobs"] = "6",
            ["Billing:Plans:1:MaxImageSide"] = "1024",
            ["Billing:Packs:0:Key"] = "small",
            ["Billing:Packs:0:Name"] = "Small pack",
            ["Billing:Packs:0:Credits"] = $"{StripePayloads.PackCredits}",
            ["Billing:Packs:0:StripePriceId"] = StripePayloads.PackPrice,
            ["Billing:RetryDelaySeconds"] = "1",
            ["Billing:SweepIntervalSeconds"] = "1",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var portal = new PortalWebFactory(database, all);
        var factory = portal.WithWebHostBuilder(b => b.ConfigureTestServices(s =>
        {
            s.AddSingleton<TimeProvider>(clock);
            services?.Invoke(s);
        }));
        return new BillingHost(database, portal, factory, clock);
    }

    /// <summary>A tenant with a limits row and a linked Stripe customer <c>cus_{slug}</c>, as a first checkout leaves it.</summary>
    public async Task<(Guid TenantId, string CustomerId)> CreateCustomerTenantAsync(string slug)
    {
        var tenant = new Tenant { Name = slug, Slug = slug, CreatedAtUtc = DateTime.UtcNow };
        var customer = $"cus_{slug}";
        await WithDbAsync(tenant.Id, async db =>
        {
            db.Tenants.Add(tenant);
            db.TenantLimits.Add(new TenantLimits { TenantId = tenant.Id });
            db.BillingAccounts.Add(new BillingAccount { TenantId = tenant.Id, StripeCustomerId = customer });
            return await db.SaveChangesAsync();
        });
        return (tenant.Id, customer);
    }

    /// <summary>Registers a user and tenant through the API (the user is its Owner) and answers a client signed in as them.</summary>
    public async Task<(Guid TenantId, HttpClient Client)> RegisterOwnerAsync(string tenantName)
    {
        var email = $"{Guid.NewGuid():N}@example.test";
        const string password = "Correct-Horse-42";
        using var register = await Client.PostAsJsonAsync("/api/v1/auth/register", new { email, password, tenantName });
        Assert.True(register.IsSuccessStatusCode, await register.Content.ReadAsStringAsync());
        // The sign-up credits come with the confirmation, through the link the portal mailed.
        var link = (await _portal.Mail.WaitForAsync(email, PortalWebFactory.ConfirmationSubject)).LinkTo("/account/confirm-email");
        using var confirmed = await Client.GetAsync($"/api/v1/auth/confirm-email{new Uri(link).Query}");
        Assert.Equal(System.Net.HttpStatusCode.NoContent, confirmed.StatusCode);
        var normalized = email.ToUpperInvariant();
        var tenantId = await WithDbAsync(null, db => db.Users.Where(u => u.NormalizedEmail == normalized)
            .Join(db.Memberships.IgnoreQueryFilters(), u => u.Id, m => m.UserId, (u, m) => m.TenantId).SingleAsync());
        using var login = await Client.PostAsJsonAsync("/api/v1/auth/login", new { email, password });
        var token = await login.Content.ReadFromJsonAsync<TokenResponse>();
        var client = _factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token!.AccessToken);
        return (tenantId, client);
    }

    public async Task<T> WithDbAsync<T>(Guid? tenantId, Func<PortalDbContext, Task<T>> action)
    {
        await using var scope = Services.CreateAsyncScope();
        if (tenantId is { } id)
        {
            scope.ServiceProvider.GetRequiredService<TenantContext>().Set(id);
        }

        return await action(scope.ServiceProvider.GetRequiredService<PortalDbContext>());
    }

    public Task<long> BalanceAsync(Guid tenantId) => WithDbAsync(tenantId, db => db.TenantLimits.Select(l => l.CreditBalance).SingleAsync());

    /// <summary>Credits granted to a tenant through Stripe (ledger grants other than the seed and sign-up).</summary>
    public Task<long> StripeGrantedAsync(Guid tenantId) => WithDbAsync(tenantId, db =>
        db.CreditLedger.Where(e => e.Kind == SdPortal.Data.Credits.CreditEntryKind.Grant && !e.IdempotencyKey.StartsWith("signup:"))
            .SumAsync(e => e.Amount));

    public Task<int> LedgerRowsAsync() =>
        WithDbAsync(null, db => db.CreditLedger.IgnoreQueryFilters([TenantIsolation.FilterName]).CountAsync());

    public Task<int> StoredEventsAsync(string? eventId = null) =>
        WithDbAsync(null, db => db.StripeEvents.CountAsync(e => eventId == null || e.EventId == eventId));

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _factory.DisposeAsync();
        await _portal.DisposeAsync();
        await Database.DisposeAsync();
    }

    private sealed record TokenResponse(string AccessToken);
}
