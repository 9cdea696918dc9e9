using System.Diagnostics.Metrics;
using SdPortal.Inference.Telemetry;

namespace SdPortal.Web.Observability;

/// <summary>
/// The portal's instruments (meter <see cref="SdPortalTelemetry.PortalMeterName"/>) that code records into: jobs
/// finished by outcome, the wait from submission to a worker's start, the run from start to settlement, credits
/// reserved, captured and released, and the lag of Stripe webhooks. No tenant or user tag on any of them (the tenant
/// tag is the queue gauges' alone, <see cref="QueueMetrics"/>): their series stay bounded by the code, not the data.
/// </summary>
public sealed class PortalMetrics
{
    private readonly Counter<long> _finished;
    private readonly Histogram<double> _wait;
    private readonly Histogram<double> _run;
    private readonly Counter<long> _reserved;
    private readonly Counter<long> _captured;
    private readonly Counter<long> _released;
    private readonly Histogram<double> _webhookLag;

    public PortalMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(SdPortalTelemetry.PortalMeterName);
        _finished = meter.CreateCounter<long>("sdportal.jobs.finished", "{job}", "Jobs that ended, by outcome (succeeded, failed, cancelled).");
        _wait = meter.CreateHistogram<double>("sdportal.job.wait.duration", "s",
            "From submission to a worker's first start of the job.", advice: new() { HistogramBucketBoundaries = Seconds });
        _run = meter.CreateHistogram<double>("sdportal.job.run.duration", "s",
            "From a job's first start to its settlement, by outcome (jobs that never started have none).", advice: new() { HistogramBucketBoundaries = Seconds });
        _reserved = meter.CreateCounter<long>("sdportal.credits.reserved", "{credit}", "Credits reserved for accepted jobs.");
        _captured = meter.CreateCounter<long>("sdportal.credits.captured", "{credit}", "Reserved credits captured by succeeded jobs.");
        _released = meter.CreateCounter<long>("sdportal.credits.released", "{credit}", "Reserved credits released by jobs that failed or were cancelled.");
        _webhookLag = meter.CreateHistogram<double>("sdportal.billing.webhook.lag", "s",
            "From Stripe creating an event to the portal processing it.", advice: new() { HistogramBucketBoundaries = Seconds });
    }

    /// <summary>Bucket bounds from a fraction of a second (a warm GPU) to a quarter hour (a queue waiting for a GPU to start).</summary>
    private static readonly double[] Seconds = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600, 900, 1800];

    /// <summary>A worker started a job first submitted <paramref name="wait"/> ago.</summary>
    public void Started(TimeSpan wait) => _wait.Record(Math.Max(0, wait.TotalSeconds));

    /// <summary>A job ended with <paramref name="outcome"/>, <paramref name="run"/> after its first start (null: it never started).</summary>
    public void Finished(string outcome, TimeSpan? run)
    {
        var tag = new KeyValuePair<string, object?>("outcome", outcome);
        _finished.Add(1, tag);
        if (run is { } ran)
        {
            _run.Record(Math.Max(0, ran.TotalSeconds), tag);
        }
    }

    public void CreditsReserved(long amount) => _reserved.Add(amount);

    public void CreditsCaptured(long amount) => _captured.Add(amount);

    public void CreditsReleased(long amount) => _released.Add(amount);

    /// <summary>A Stripe event of <paramref name="type"/> (a bounded set Stripe defines) was processed <paramref name="lag"/> after Stripe created it.</summary>
    public void WebhookProcessed(string type, TimeSpan lag) =>
        _webhookLag.Record(Math.Max(0, lag.TotalSeconds), new KeyValuePair<string, object?>("event.type", type));
}
