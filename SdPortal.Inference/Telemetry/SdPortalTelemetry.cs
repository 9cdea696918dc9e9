using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace SdPortal.Inference.Telemetry;

/// <summary>
/// The names under which SdPortal's own instruments and spans are published: the portal's meter (queue, jobs,
/// credits, webhooks), the engine's meter (steps, batches, models, GPUs) and the one activity source that carries a
/// job's trace from submission through dispatch and the host's run to settlement. The OpenTelemetry registration of the
/// web node and the inference host subscribes to exactly these names; instruments are created from them with
/// <see cref="IMeterFactory"/> (or the static source below), never under names of their own.
/// </summary>
public static class SdPortalTelemetry
{
    /// <summary>The portal's meter: the job table, settlement, credits, webhooks.</summary>
    public const string PortalMeterName = "SdPortal.Portal";

    /// <summary>The engine's meter: denoising steps, batch fill, model loads and evictions, GPU readings.</summary>
    public const string EngineMeterName = "SdPortal.Engine";

    /// <summary>The activity source of job traces (submit → dispatch → host run → settlement).</summary>
    public const string JobsActivitySourceName = "SdPortal.Jobs";

    /// <summary>The one source of job spans; a process-wide static, as <see cref="ActivitySource"/> is meant to be.</summary>
    public static readonly ActivitySource Jobs = new(JobsActivitySourceName);
}
