using System.Diagnostics;

namespace SdPortal.Inference.Telemetry;

/// <summary>
/// The spans of one job's trace (<see cref="SdPortalTelemetry.Jobs"/>): <c>job submit</c> on the web node (its
/// <c>traceparent</c> stored with the job), <c>job dispatch</c> (a child of the stored one, on whichever web node
/// dispatches), Hangfire's <c>hangfire.perform</c> and <c>job run</c> on the worker (the dispatch's context travels as
/// a Hangfire job parameter, see <see cref="JobExecutionFilter"/>), and <c>job settle</c> under the worker's call back
/// to the portal. Each carries the job id as <see cref="JobIdTag"/>. Nothing is created while no one listens.
/// </summary>
public static class JobTrace
{
    /// <summary>The tag naming the job on each of its spans.</summary>
    public const string JobIdTag = "sdportal.job.id";

    /// <summary>Whether any listener (the OpenTelemetry SDK with an exporter, a test) records job spans.</summary>
    public static bool Listening => SdPortalTelemetry.Jobs.HasListeners();

    /// <summary>
    /// Starts span <paramref name="name"/> of job <paramref name="jobId"/>: a child of <paramref name="traceParent"/>
    /// when given and valid, else of the current span; null when no one listens.
    /// </summary>
    public static Activity? Start(string name, Guid jobId, ActivityKind kind = ActivityKind.Internal, string? traceParent = null)
    {
        if (!Listening)
        {
            return null;
        }

        var activity = ActivityContext.TryParse(traceParent, null, out var parent)
            ? SdPortalTelemetry.Jobs.StartActivity(name, kind, parent)
            : SdPortalTelemetry.Jobs.StartActivity(name, kind);
        activity?.SetTag(JobIdTag, jobId.ToString());
        return activity;
    }
}
