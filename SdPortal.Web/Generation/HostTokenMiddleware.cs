using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using SdPortal.Contracts.Jobs;
using SdPortal.Web.Jobs;

namespace SdPortal.Web.Generation;

/// <summary>
/// Guards everything under <c>/internal</c> (the inference hosts' API) before routing binds a body: 404 when this node
/// has no <c>Jobs:HostToken</c> (the API does not exist here), 401 for a missing or wrong token. The comparison is of
/// fixed-length hashes in constant time, so neither the token's content nor its length leaks through timing.
/// </summary>
internal sealed class HostTokenMiddleware(RequestDelegate next, IOptionsMonitor<JobsOptions> options)
{
    public Task InvokeAsync(HttpContext context)
    {
        var expected = options.CurrentValue.HostToken;
        if (string.IsNullOrEmpty(expected))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        if (!Matches(context.Request.Headers[InternalJobApi.TokenHeader].ToString(), expected))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Task.CompletedTask;
        }

        return next(context);
    }

    private static bool Matches(string given, string expected) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
}
