using System.Diagnostics;
using System.Diagnostics.Metrics;
using Hangfire.Client;
using Hangfire.Common;
using Hangfire.Server;

namespace SdPortal.Inference.Telemetry;

/// <summary>
/// Hangfire's instrumentation (there is no OpenTelemetry package for it): each execution is a span of
/// <see cref="SdPortalTelemetry.Jobs"/> and counts in <c>sdportal.hangfire.executions</c> and
/// <c>sdportal.hangfire.execution.duration</c> by job type and outcome. At creation the creator's trace context is
/// stored as the job parameter <see cref="TraceParentParameter"/>, so the execution, on whichever process, continues
/// the trace of the code that enqueued it (the dispatcher's span of the job).
/// </summary>
public sealed class JobExecutionFilter : IClientFilter, IServerFilter
{
    /// <summary>The Hangfire job parameter holding the W3C <c>traceparent</c> of the enqueuing span.</summary>
    public const string TraceParentParameter = "traceparent";

    private const string ActivityItem = "SdPortal.Activity";
    private const string StartedItem = "SdPortal.Started";

    private readonly Counter<long> _executions;
    private readonly Histogram<double> _duration;

    public JobExecutionFilter(IMeterFactory meters)
    {
        var meter = meters.Create(SdPortalTelemetry.PortalMeterName);
        _executions = meter.CreateCounter<long>("sdportal.hangfire.executions", "{execution}",
            "Hangfire job executions by job type and outcome (succeeded, failed).");
        _duration = meter.CreateHistogram<double>("sdportal.hangfire.execution.duration", "s",
            "How long Hangfire job executions ran, by job type.");
    }

    public void OnCreating(CreatingContext context)
    {
        if (Activity.Current is { } current)
        {
            context.SetJobParameter(TraceParentParameter, current.Id);
        }
    }

    public void OnCreated(CreatedContext context)
    {
    }

    public void OnPerforming(PerformingContext context)
    {
        var parent = context.GetJobParameter<string>(TraceParentParameter);
        var activity = ActivityContext.TryParse(parent, null, out var remote)
            ? SdPortalTelemetry.Jobs.StartActivity("hangfire.perform", ActivityKind.Consumer, remote)
            : SdPortalTelemetry.Jobs.StartActivity("hangfire.perform", ActivityKind.Consumer);
        activity?.SetTag("hangfire.job.id", context.BackgroundJob.Id);
        activity?.SetTag("hangfire.job.type", TypeOf(context.BackgroundJob.Job));
        context.Items[ActivityItem] = activity;
        context.Items[StartedItem] = Stopwatch.GetTimestamp();
    }

    public void OnPerformed(PerformedContext context)
    {
        var outcome = context.Exception is null || context.ExceptionHandled ? "succeeded" : "failed";
        var type = TypeOf(context.BackgroundJob.Job);
        var jobType = new KeyValuePair<string, object?>("job.type", type);
        _executions.Add(1, jobType, new KeyValuePair<string, object?>("outcome", outcome));
        if (context.Items.TryGetValue(StartedItem, out var started) && started is long timestamp)
        {
            _duration.Record(Stopwatch.GetElapsedTime(timestamp).TotalSeconds, jobType);
        }

        if (context.Items.TryGetValue(ActivityItem, out var item) && item is Activity activity)
        {
            if (outcome == "failed")
            {
                activity.SetStatus(ActivityStatusCode.Error, context.Exception?.GetType().Name);
            }

            activity.Dispose();
        }
    }

    /// <summary>The job's method as <c>Type.Method</c>: bounded by the code, never by data.</summary>
    private static string TypeOf(Job? job) => job is null ? "unknown" : $"{job.Type.Name}.{job.Method.Name}";
}
