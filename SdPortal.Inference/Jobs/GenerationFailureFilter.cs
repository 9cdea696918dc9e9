using Hangfire.States;
using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace SdPortal.Inference.Jobs;

/// <summary>
/// When Hangfire gives up on a <see cref="GenerationWork"/> job (attempts exhausted, or a job it cannot run at all),
/// fails the generation through the gateway, which releases the credits exactly once however often this runs (R10).
/// </summary>
public sealed class GenerationFailureFilter(IServiceProvider services) : IApplyStateFilter
{
    public void OnStateApplied(ApplyStateContext context, IWriteOnlyTransaction transaction)
    {
        if (context.NewState is not FailedState failed || context.BackgroundJob.Job is not { } job
            || job.Type != typeof(GenerationWork) || job.Args is not [Guid tenantId, Guid jobId, ..])
        {
            return;
        }

        var reason = $"The generation failed after {GenerationWork.Retries + 1} attempts: {FailureClassifier.Describe(failed.Exception)}";
        var gateway = services.GetRequiredService<IJobGateway>();
        // Hangfire's state filters are synchronous; this runs on a worker thread without a synchronisation context.
        gateway.FailAsync(new JobRef(tenantId, jobId), reason, CancellationToken.None).GetAwaiter().GetResult();
    }

    public void OnStateUnapplied(ApplyStateContext context, IWriteOnlyTransaction transaction)
    {
    }
}
