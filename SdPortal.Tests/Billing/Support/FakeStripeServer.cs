using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SdPortal.Tests.Billing.Support;

/// <summary>One API call the fake received: path, idempotency key and the form fields Stripe.net sent.</summary>
public sealed record StripeApiCall(string Path, string? IdempotencyKey, string? Authorization, IReadOnlyDictionary<string, string> Form);

/// <summary>
/// A tiny stand-in for Stripe's API on 127.0.0.1: customers, Checkout Sessions and billing-portal sessions. It records
/// every call and, like Stripe, answers a repeated idempotency key with the first response.
/// </summary>
public sealed class FakeStripeServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, string> _byIdempotencyKey = new();
    private int _sequence;

    private FakeStripeServer(WebApplication app) => _app = app;

    public ConcurrentQueue<StripeApiCall> Calls { get; } = new();

    public string ApiBase { get; private set; } = string.Empty;

    public static async Task<FakeStripeServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeStripeServer(app);
        app.MapPost("/v1/customers", http => fake.AnswerAsync(http, "cus", id => new { id, @object = "customer" }));
        app.MapPost("/v1/checkout/sessions", http => fake.AnswerAsync(http, "cs_test", id =>
            new { id, @object = "checkout.session", url = $"https://checkout.stripe.test/c/pay/{id}" }));
        app.MapPost("/v1/billing_portal/sessions", http => fake.AnswerAsync(http, "bps", id =>
            new { id, @object = "billing_portal.session", url = $"https://billing.stripe.test/p/session/{id}" }));
        await app.StartAsync();
        fake.ApiBase = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return fake;
    }

    public IReadOnlyList<StripeApiCall> CallsTo(string path) => [.. Calls.Where(c => c.Path == path)];

    private async Task AnswerAsync(HttpContext http, string prefix, Func<string, object> create)
    {
        var form = await http.Request.ReadFormAsync();
        var key = http.Request.Headers["Idempotency-Key"].ToString();
        Calls.Enqueue(new StripeApiCall(http.Request.Path, key.Length == 0 ? null : key, http.Request.Headers.Authorization.ToString(),
            form.ToDictionary(f => f.Key, f => f.Value.ToString())));
        var body = key.Length > 0
            ? _byIdempotencyKey.GetOrAdd($"{http.Request.Path}|{key}", _ => NewObject(prefix, create))
            : NewObject(prefix, create);
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(body);
    }

    private string NewObject(string prefix, Func<string, object> create) =>
        JsonSerializer.Serialize(create($"{prefix}_{Interlocked.Increment(ref _sequence).ToString(CultureInfo.InvariantCulture)}"));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
