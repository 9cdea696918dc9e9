using Hangfire;
using Hangfire.Common;
using Hangfire.Storage.Monitoring;
using SdPortal.Inference.Jobs;

namespace SdPortal.Web.Generation;

/// <summary>
/// The generation jobs Hangfire still intends to run: scheduled (a retry waiting), enqueued or fetched on the
/// generation queue, or processing (including a dead worker's job waiting for its invisibility timeout). Read in
/// the order jobs move through those states, so a job moving forward during the read is still seen.
/// </summary>
internal static class LiveExecutions
{
    private const int Page = 500;

    public static HashSet<Guid> Read(JobStorage storage)
    {
        var api = storage.GetMonitoringApi();
        var ids = new HashSet<Guid>();
        Collect(ids, from => api.ScheduledJobs(from, Page), (ScheduledJobDto j) => j.Job);
        Collect(ids, from => api.EnqueuedJobs(GenerationWork.Queue, from, Page), (EnqueuedJobDto j) => j.Job);
        Collect(ids, from => api.FetchedJobs(GenerationWork.Queue, from, Page), (FetchedJobDto j) => j.Job);
        Collect(ids, from => api.ProcessingJobs(from, Page), (ProcessingJobDto j) => j.Job);
        return ids;
    }

    private static void Collect<T>(HashSet<Guid> ids, Func<int, JobList<T>> page, Func<T, Job?> job)
    {
        for (var from = 0; ; from += Page)
        {
            var items = page(from);
            foreach (var item in items)
            {
                if (item.Value is { } dto && job(dto) is { Type: var type, Args: [_, Guid jobId, ..] } && type == typeof(GenerationWork))
                {
                    ids.Add(jobId);
                }
            }

            if (items.Count < Page)
            {
                return;
            }
        }
    }
}
