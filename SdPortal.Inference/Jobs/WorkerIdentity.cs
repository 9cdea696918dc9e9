namespace SdPortal.Inference.Jobs;

/// <summary>How a worker process names itself in job rows, logs and the operators' pool page: machine/process.</summary>
public static class WorkerIdentity
{
    public static string Name { get; } = $"{Environment.MachineName}/{Environment.ProcessId}";
}
