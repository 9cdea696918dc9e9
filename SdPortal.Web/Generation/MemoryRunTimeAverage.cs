namespace SdPortal.Web.Generation;

/// <summary><see cref="RunTimeAverage"/> of the one web node of the embedded default.</summary>
public sealed class MemoryRunTimeAverage : RunTimeAverage
{
    private readonly Lock _gate = new();
    private double? _average;

    public override ValueTask<double?> ReadAsync()
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_average);
        }
    }

    public override ValueTask RecordAsync(TimeSpan run)
    {
        lock (_gate)
        {
            _average = _average is { } average ? ((1 - NewestWeight) * average) + (NewestWeight * run.TotalSeconds) : run.TotalSeconds;
        }

        return ValueTask.CompletedTask;
    }
}
