using System.Net;
using Microsoft.Extensions.Logging;

namespace SdPortal.Inference.Jobs.Remote;

/// <summary>
/// Retries a gateway call that failed on the way (connection refused or reset, a per-attempt timeout, 502/503/504,
/// 408, 429): a web node restarting or a proxy reloading must not cost a job. Safe because every gateway call is
/// idempotent by job; a request marked with <see cref="NoRetry"/> (progress, superseded by the next step) is sent once.
/// Hand-written rather than Microsoft.Extensions.Http.Resilience: four attempts with fixed back-off is all we need,
/// without Polly and its telemetry packages in every inference host.
/// </summary>
internal sealed partial class TransientRetryHandler(ILogger<TransientRetryHandler> logger) : DelegatingHandler
{
    /// <summary>Marks a request that must not be retried.</summary>
    public static readonly HttpRequestOptionsKey<bool> NoRetry = new("sdportal.no-retry");

    /// <summary>How long one attempt may take before it counts as lost.</summary>
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(20);

    private static readonly TimeSpan[] Delays = [TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3)];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var retry = !(request.Options.TryGetValue(NoRetry, out var noRetry) && noRetry);
        for (var attempt = 0; ; attempt++)
        {
            var last = !retry || attempt == Delays.Length;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(AttemptTimeout);
            try
            {
                var response = await base.SendAsync(request, timeout.Token);
                if (last || !IsTransient(response.StatusCode))
                {
                    return response;
                }

                LogRetrying(logger, request.RequestUri?.AbsolutePath, $"HTTP {(int)response.StatusCode}", attempt + 1);
                response.Dispose();
            }
            catch (Exception ex) when (!last && !cancellationToken.IsCancellationRequested && ex is HttpRequestException or OperationCanceledException)
            {
                LogRetrying(logger, request.RequestUri?.AbsolutePath, ex.Message, attempt + 1);
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"The portal did not answer {request.RequestUri?.AbsolutePath} within {AttemptTimeout.TotalSeconds:F0} s.", ex);
            }

            await Task.Delay(Delays[attempt], cancellationToken);
        }
    }

    private static bool IsTransient(HttpStatusCode status) => status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests
        or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Portal call {Path} failed ({Error}) on attempt {Attempt}; retrying")]
    private static partial void LogRetrying(ILogger logger, string? path, string error, int attempt);
}
