using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using SdPortal.Inference.Models;
using SdPortal.Inference.Pipeline;

namespace SdPortal.Inference.Batching;

/// <summary>
/// One device's denoising loop shared by every job on it. A job prepares its step, hands it in
/// (<see cref="IUNetLane.EvaluateAsync"/>) and awaits; the loop assembles the waiting steps into one UNet call
/// (<see cref="BatchAssembler"/>), runs it at its bucket size, splits the prediction back per job and wakes the jobs,
/// which guide, step their own schedulers and report progress on their own threads. Jobs join and leave at step
/// boundaries. After a call the loop lingers briefly for that call's jobs to hand in their next step, so a steady set
/// of jobs keeps running as one batch instead of splitting into alternating halves.
/// A cancelled job leaves at once (its wait ends; the call it was in finishes for the others, or is terminated when
/// every job in it has been cancelled); a failure of one job's own code touches only that job.
/// </summary>
internal sealed partial class StepBatcher : IUNetEvaluator, IDisposable
{
    private readonly object _gate = new();
    private readonly Lock _runnerGate = new();
    private readonly List<PendingStep> _waiting = [];
    private readonly HashSet<Lane> _returning = [];
    private readonly IBatchRunner _runner;
    private readonly BatchBuckets _buckets;
    private readonly OutOfMemoryBackoff _backoff;
    private readonly TimeSpan _linger;
    private readonly ILogger _logger;
    private readonly Thread _loop;
    private readonly Action<int, int>? _onCall; // (rows, capacity) of each call, for the engine's metrics
    private long _arrivals;
    private long _calls;
    private long _servings;
    private long _samplesRun;
    private long _paddingRun;
    private List<PendingStep>? _inFlight;
    private RunOptions? _inFlightOptions;
    private bool _stopping;

    public StepBatcher(IBatchRunner runner, BatchBuckets buckets, TimeSpan linger, string device, ILogger logger, Action<int, int>? onCall = null)
    {
        _onCall = onCall;
        _runner = runner;
        _buckets = buckets;
        _backoff = new OutOfMemoryBackoff(buckets);
        _linger = linger;
        _logger = logger;
        Device = device;
        _loop = new Thread(Loop) { IsBackground = true, Name = $"step batcher {device}" };
        _loop.Start();
    }

    /// <summary>The device this loop serves.</summary>
    public string Device { get; }

    /// <summary>What the loop has run so far.</summary>
    public BatcherStatistics Statistics
    {
        get
        {
            lock (_gate)
            {
                return new BatcherStatistics(_calls, _samplesRun, _paddingRun, _backoff.Capacity);
            }
        }
    }

    /// <summary>Steps handed in and not yet taken into a call.</summary>
    public int WaitingSteps
    {
        get
        {
            lock (_gate)
            {
                return _waiting.Count;
            }
        }
    }

    /// <inheritdoc />
    public IUNetLane Join(Denoiser denoiser)
    {
        var unet = denoiser.UNet;
        var key = new BatchKey(
            unet, denoiser.LatentHeight, denoiser.LatentWidth, unet.TimestepForm.Shape != TimestepShape.PerSample, denoiser.Prompt.SequenceLength, denoiser.Adapters);
        return new Lane(this, denoiser, key, Interlocked.Increment(ref _arrivals));
    }

    /// <summary>
    /// Releases the loop's tensors bound to <paramref name="unet"/>, whose session is about to close (the model was
    /// evicted: no job of it is running). Waits for a call in progress, which holds the runner.
    /// </summary>
    public void Forget(object unet)
    {
        lock (_runnerGate)
        {
            _runner.Forget(unet);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            if (_stopping)
            {
                return;
            }

            _stopping = true;
            foreach (var step in _waiting)
            {
                step.Completion.TrySetException(new ObjectDisposedException(nameof(StepBatcher), "The device's batcher stopped."));
            }

            _waiting.Clear();
            Monitor.PulseAll(_gate);
        }

        _loop.Join();
        _runner.Dispose();
    }

    private ValueTask Enqueue(Lane lane, int index, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var step = new PendingStep(lane, index, cancellationToken);
        if (cancellationToken.CanBeCanceled)
        {
            // Registered before the step is visible to the loop, so a completion can always unregister it.
            step.Registration = cancellationToken.UnsafeRegister(static s => ((PendingStep)s!).Lane.Batcher.Cancel((PendingStep)s!), step);
        }

        lock (_gate)
        {
            if (_stopping)
            {
                step.Registration.Unregister();
                throw new ObjectDisposedException(nameof(StepBatcher), "The device's batcher stopped.");
            }

            if (cancellationToken.IsCancellationRequested)
            {
                step.Registration.Unregister(); // cancelled while registering: never queue it
                step.Completion.TrySetCanceled(cancellationToken);
            }
            else
            {
                _waiting.Add(step);
                _returning.Remove(lane);
                Monitor.PulseAll(_gate);
            }
        }

        return new ValueTask(step.Completion.Task);
    }

    private void Cancel(PendingStep step)
    {
        lock (_gate)
        {
            if (_waiting.Remove(step))
            {
                step.Completion.TrySetCanceled(step.CancellationToken);
                return;
            }

            if (_inFlight?.Contains(step) != true)
            {
                return; // already finished
            }

            step.Abandoned = true;
            step.Completion.TrySetCanceled(step.CancellationToken);
            if (_inFlight.TrueForAll(s => s.Abandoned))
            {
                _inFlightOptions!.Terminate = true; // nobody is left to use the result
            }
        }
    }

    private void Leave(Lane lane)
    {
        lock (_gate)
        {
            _returning.Remove(lane);
            Monitor.PulseAll(_gate);
        }
    }

    private void Loop()
    {
        while (TryAssemble(out var members, out var options))
        {
            using (options)
            {
                Execute(members, options);
            }

            Finish(members);
        }
    }

    private bool TryAssemble(out List<PendingStep> members, out RunOptions options)
    {
        lock (_gate)
        {
            while (_waiting.Count == 0 && !_stopping)
            {
                Monitor.Wait(_gate);
            }

            var deadline = Stopwatch.GetTimestamp() + (long)(_linger.TotalSeconds * Stopwatch.Frequency);
            while (_returning.Count > 0 && !_stopping && WaitingSamples() < _backoff.Capacity)
            {
                var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
                if (remaining <= TimeSpan.Zero)
                {
                    break;
                }

                Monitor.Wait(_gate, remaining);
            }

            if (_stopping)
            {
                (members, options) = ([], null!);
                return false;
            }

            members = BatchAssembler.Select(_waiting, _backoff.Capacity);
            _calls++;
            foreach (var member in members)
            {
                _waiting.Remove(member);
                member.Lane.LastServed = ++_servings; // in call order, so jobs served together keep their rotation
            }

            _returning.Clear(); // whoever did not come back in time joins a later call
            options = new RunOptions();
            (_inFlight, _inFlightOptions) = (members, options);
            return true;
        }
    }

    private int WaitingSamples()
    {
        var samples = 0;
        foreach (var step in _waiting)
        {
            samples += step.Samples;
        }

        return samples;
    }

    private void Execute(List<PendingStep> members, RunOptions options)
    {
        var key = members[0].Key;
        try
        {
            OutOfMemoryRetry.Run(
                members,
                static m => m.Samples,
                _buckets,
                _backoff,
                (part, bucket) => RunPart(key, part, bucket, options),
                (member, error) =>
                {
                    LogOutOfMemory(_logger, Device, member.Samples, error);
                    member.Error = error;
                });
        }
        catch (Exception ex)
        {
            // The call itself failed (not for lack of memory): every job in it gets the error; the loop goes on.
            if (!members.TrueForAll(m => m.Abandoned))
            {
                LogCallFailed(_logger, Device, members.Count, ex);
            }

            members.ForEach(m => m.Error = ex);
        }
    }

    private void RunPart(BatchKey key, IReadOnlyList<PendingStep> part, int bucket, RunOptions options)
    {
        var (slots, samples) = BatchSlot.Layout([.. part.Select(p => (p.Lane.Denoiser, p.Index))]);
        lock (_runnerGate)
        {
            _runner.Run(key, slots, bucket, options);
        }

        int capacity;
        lock (_gate)
        {
            _samplesRun += samples;
            _paddingRun += bucket - samples;
            capacity = _backoff.Capacity;
        }

        _onCall?.Invoke(samples, capacity);
    }

    private void Finish(List<PendingStep> members)
    {
        lock (_gate)
        {
            (_inFlight, _inFlightOptions) = (null, null);
            foreach (var member in members)
            {
                member.Registration.Unregister();
                if (member.Error is not null)
                {
                    member.Completion.TrySetException(member.Error);
                }
                else if (!member.Abandoned)
                {
                    if (member.Index < member.Lane.Denoiser.TotalSteps - 1)
                    {
                        _returning.Add(member.Lane); // before waking it, so its next step finds it expected
                    }

                    member.Completion.TrySetResult();
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Device}: a job of {Samples} samples ran out of device memory even alone")]
    private static partial void LogOutOfMemory(ILogger logger, string device, int samples, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Device}: a UNet call of {Jobs} job(s) failed")]
    private static partial void LogCallFailed(ILogger logger, string device, int jobs, Exception exception);

    private sealed class Lane(StepBatcher batcher, Denoiser denoiser, BatchKey key, long arrival) : IUNetLane
    {
        public StepBatcher Batcher => batcher;

        public Denoiser Denoiser => denoiser;

        public BatchKey Key => key;

        public long Arrival => arrival;

        public long LastServed { get; set; } = -1;

        public ValueTask EvaluateAsync(int index, CancellationToken cancellationToken) => batcher.Enqueue(this, index, cancellationToken);

        public void Dispose() => batcher.Leave(this);
    }

    private sealed class PendingStep(Lane lane, int index, CancellationToken cancellationToken) : IStepCandidate
    {
        public Lane Lane => lane;

        public int Index => index;

        public CancellationToken CancellationToken => cancellationToken;

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CancellationTokenRegistration Registration { get; set; }

        public bool Abandoned { get; set; }

        public Exception? Error { get; set; }

        public BatchKey Key => lane.Key;

        public int Samples => lane.Denoiser.Samples;

        public double Timestep => HostTensor.AsFed(((UNetModel)lane.Key.Model).TimestepForm.ElementType, lane.Denoiser.TimestepAt(index));

        public long LastServed => lane.LastServed;

        public long Arrival => lane.Arrival;
    }
}

/// <summary>What a device's batcher has run.</summary>
/// <param name="Calls">UNet calls (shared steps).</param>
/// <param name="Samples">Job samples evaluated.</param>
/// <param name="Padding">Padding samples evaluated to reach a bucket.</param>
/// <param name="Capacity">The most samples the next call may hold (lowered after running out of memory).</param>
internal sealed record BatcherStatistics(long Calls, long Samples, long Padding, int Capacity);
