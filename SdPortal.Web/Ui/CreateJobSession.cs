using System.Globalization;
using Microsoft.EntityFrameworkCore;
using SdPortal.Data;
using SdPortal.Inference.Pipeline;
using SdPortal.Web.Adapters;
using SdPortal.Web.Generation;
using SdPortal.Web.Inputs;

namespace SdPortal.Web.Ui;

/// <summary>
/// The Create page's state and logic (ADR-009): the form, one submission at a time, and the job it follows — live
/// through <see cref="JobEventFeed"/> (once the job is visible to the user, <see cref="JobVisibility"/>) and from the
/// database every <see cref="RefreshInterval"/>, because the job may report to another web node. A reload rebuilds the
/// user's in-flight job from the server. Every server call runs through <see cref="TenantOperations"/>, so a read that
/// finds the user may no longer act, or the job no longer visible, also ends the live feed (R29 for circuits).
/// </summary>
internal sealed partial class CreateJobSession(
    TenantOperations operations,
    JobEventFeed feed,
    LivePreviews previews,
    TimeProvider time,
    ILogger<CreateJobSession> logger) : IDisposable
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(1.5);

    private readonly CancellationTokenSource _lifetime = new();
    private IDisposable? _subscription;
    private CancellationTokenSource? _watch;
    private (DateTimeOffset At, int Step)? _firstStep;
    private Guid? _balanceReadFor;
    private bool _disposed;

    /// <summary>Runs work on the circuit's dispatcher (the page's InvokeAsync); events arrive on other threads.</summary>
    public Func<Func<Task>, Task> Dispatch { get; set; } = work => work();

    /// <summary>Raised on the dispatcher whenever <see cref="Job"/> changed.</summary>
    public event Action? Changed;

    public CreateFormModel Form { get; set; } = new();

    /// <summary>The parameters of <see cref="Job"/>, for "reuse parameters".</summary>
    public CreateFormModel? JobForm { get; private set; }

    public JobView? Job { get; private set; }

    public IReadOnlyDictionary<string, string[]> FieldErrors { get; private set; } = new Dictionary<string, string[]>();

    public TenantLimitsView? Limits { get; private set; }

    /// <summary>The adapters the member may use (their own and the tenant's shared ones), by name; the picker offers those that fit the model.</summary>
    public IReadOnlyList<LoraAdapterResponse> Adapters { get; private set; } = [];

    public bool IsSubmitting { get; private set; }

    /// <summary>One job at a time: submitting again waits until this one has ended.</summary>
    public bool CanSubmit => !IsSubmitting && Job is not { IsActive: true };

    /// <summary>The seed of the last result's first image, for "reuse last seed".</summary>
    public long? LastSeed => Job is { Images.Count: > 0 } done ? done.Images[0].Seed : null;

    /// <summary>
    /// Loads the plan's limits, the parameters to reuse (if any), the input image to start from (the gallery's "send
    /// to", in <paramref name="mode"/>) and the user's in-flight job.
    /// </summary>
    public async Task InitializeAsync(Guid? reuseJobId, long? reuseSeed, Guid? inputImageId = null, GenerationMode? mode = null)
    {
        await operations.RunAsync(async (services, caller) =>
        {
            var db = services.GetRequiredService<PortalDbContext>();
            var limits = await db.TenantLimits.AsNoTracking().SingleAsync(_lifetime.Token);
            Limits = new TenantLimitsView(limits.MaxImageSide, limits.MaxSteps, limits.MaxBatch, limits.CreditBalance);
            var adapters = await services.GetRequiredService<LoraAdapterAccess>().UsableBy(caller.UserId).ToListAsync(_lifetime.Token);
            Adapters = [.. adapters.OrderBy(a => a.Name, StringComparer.OrdinalIgnoreCase).Select(a => LoraAdapterResponse.From(a, caller.UserId))];
            var reader = services.GetRequiredService<GenerationReader>();
            if (reuseJobId is { } reuse && await reader.FindAsync(reuse, caller.UserId, caller.IsAdmin, _lifetime.Token) is { } source)
            {
                Form = CreateFormModel.FromSpec(GenerationSpecJson.Deserialize(source.Spec), reuseSeed);
            }

            await LoadInputImagesAsync(services.GetRequiredService<InputImageUploads>(), caller.UserId, inputImageId, mode);

            if (await reader.FindInFlightAsync(caller.UserId, _lifetime.Token) is { } running)
            {
                JobForm = CreateFormModel.FromSpec(GenerationSpecJson.Deserialize(running.Spec), running.Seed);
                // The described job carries the live step (steps are kept in memory, not in the row) and queue place.
                var now = await reader.DescribeAsync(running, _lifetime.Token);
                Job = new JobView(running.Id, now.Status, now.Step, now.TotalSteps, now.QueuePosition, now.EstimatedStartSeconds, ModelIsSynthetic: now.ModelIsSynthetic,
                    WaitReason: now.WaitReason, WaitingForGpu: now.WaitingForGpu);
            }

            return true;
        });
        if (Job is { } job)
        {
            await WatchAsync(job.Id);
        }
    }

    /// <summary>
    /// Stores <paramref name="content"/> as the member's input image (the same service as <c>POST /api/v1/input-images</c>)
    /// and makes it the form's: the size follows it. A refusal is shown on the image field.
    /// </summary>
    public async Task UploadInitImageAsync(Stream content)
    {
        var outcome = await UploadAsync(content);
        if (outcome is UploadOutcome.Stored(var image))
        {
            Form.UseInitImage(InputImageResponse.From(image), Limits?.MaxImageSide ?? GenerationSpec.MaxSize);
        }

        FieldErrors = outcome is UploadOutcome.Refused(_, var message)
            ? new Dictionary<string, string[]> { ["initImageId"] = [message] }
            : new Dictionary<string, string[]>();
    }

    /// <summary>Stores the painted mask (a PNG of the image's size) and makes it the form's; false, with the error shown, when refused.</summary>
    public async Task<bool> UploadMaskAsync(Stream png)
    {
        var outcome = await UploadAsync(png);
        if (outcome is UploadOutcome.Refused(_, var message))
        {
            ShowFieldError("maskImageId", message);
            return false;
        }

        Form.MaskImageId = ((UploadOutcome.Stored)outcome).Image.Id;
        return true;
    }

    /// <summary>Shows <paramref name="message"/> under <paramref name="field"/> (a check the page makes before submitting).</summary>
    public void ShowFieldError(string field, string message) =>
        FieldErrors = new Dictionary<string, string[]> { [field] = [message] };

    /// <summary>Drops the adapters' field errors (the picks changed, so <c>loras[i]</c> may name another row now).</summary>
    public void ClearLoraErrors() =>
        FieldErrors = FieldErrors.Where(e => !CreateFormFields.IsLoraField(e.Key)).ToDictionary(e => e.Key, e => e.Value);

    /// <summary>
    /// Submits the form; answers a message for a snackbar, or null. The flag is set before the first await, so clicks
    /// that Blazor dispatches before the next render return at once (R9); the form's idempotency key makes the server
    /// accept one job even if two submissions got through.
    /// </summary>
    public async Task<string?> SubmitAsync()
    {
        if (!CanSubmit)
        {
            return null;
        }

        IsSubmitting = true;
        try
        {
            var form = Form;
            var body = form.ToSpec();
            var outcome = await operations.RunAsync((services, caller) => services.GetRequiredService<GenerationSubmitter>()
                .SubmitAsync(caller.TenantId, caller.UserId, body, _lifetime.Token, form.IdempotencyKey));
            FieldErrors = outcome is SubmitOutcome.Invalid(var fieldErrors) ? fieldErrors.AsReadOnly() : new Dictionary<string, string[]>();
            switch (outcome)
            {
                case SubmitOutcome.Accepted(var job, var spot):
                    JobForm = form.Copy();
                    form.RenewKey();
                    _firstStep = null;
                    Job = new JobView(job.Id, GenerationStatusNames.Of(job.Status), job.Step, job.TotalSteps, spot.Position, spot.EstimatedStartSeconds,
                        WaitReason: spot.WaitReason, WaitingForGpu: spot.WaitingForGpu);
                    await WatchAsync(job.Id);
                    return null;
                case SubmitOutcome.Invalid(var errors):
                    var general = errors.Where(e => !CreateFormFields.IsShown(e.Key)).SelectMany(e => e.Value.Select(m => $"{e.Key} {m}"));
                    return string.Join("; ", general.DefaultIfEmpty("Please correct the marked fields."));
                case SubmitOutcome.InsufficientCredits(var cost, var balance):
                    return $"This generation costs {cost} credits; the tenant has {balance}.";
                case SubmitOutcome.KeyReused:
                    form.RenewKey();
                    return "This form was already submitted with other values; submit again to start a new generation.";
                case SubmitOutcome.RateLimited(var retryAfter):
                    return string.Create(CultureInfo.InvariantCulture, $"Too many generations: try again in {Math.Ceiling(retryAfter.TotalSeconds):F0} s.");
                default:
                    throw new InvalidOperationException("Unknown submission outcome.");
            }
        }
        finally
        {
            IsSubmitting = false;
        }
    }

    /// <summary>Cancels the job if it is the user's own (not another member's, even for an admin); answers a message.</summary>
    public async Task<string?> CancelAsync()
    {
        if (Job is not { IsActive: true } current)
        {
            return null;
        }

        var message = await operations.RunAsync(async (services, caller) =>
        {
            var job = await services.GetRequiredService<GenerationReader>().FindAsync(current.Id, caller.UserId, isAdmin: false, _lifetime.Token);
            if (job is null || GenerationStatusNames.IsTerminal(job.Status))
            {
                return "The generation has already ended.";
            }

            return await services.GetRequiredService<GenerationCanceller>().CancelAsync(job, _lifetime.Token) is CancelOutcome.Stopping
                ? "Stopping: the generation ends within one step and its credits are released."
                : null;
        });
        await RefreshAsync();
        return message;
    }

    /// <summary>Puts the job's parameters back into the form, with <paramref name="seed"/> fixed (an image's) if given.</summary>
    public void Reuse(long? seed)
    {
        if (JobForm is null)
        {
            return;
        }

        var form = JobForm.Copy();
        (form.RandomSeed, form.Seed) = seed is null ? (form.RandomSeed, form.Seed) : (false, seed);
        Form = form;
    }

    /// <summary>Reads the job again from the database; merges it with what events have said.</summary>
    public async Task RefreshAsync()
    {
        if (Job is not { } current)
        {
            return;
        }

        var (fresh, balance) = await operations.RunAsync(async (services, caller) =>
        {
            var reader = services.GetRequiredService<GenerationReader>();
            var response = await reader.FindAsync(current.Id, caller.UserId, caller.IsAdmin, _lifetime.Token) is { } job
                ? await reader.DescribeAsync(job, _lifetime.Token)
                : null;
            // The balance shown beside the cost moves with the reservation (read once the job is known) and with the
            // settlement (read when it ended), not on every poll in between.
            long? credits = _balanceReadFor != current.Id || response is null || GenerationStatusNames.IsTerminal(response.Status)
                ? await services.GetRequiredService<PortalDbContext>().TenantLimits.AsNoTracking()
                    .Select(l => l.CreditBalance).SingleAsync(_lifetime.Token)
                : null;
            return (response, credits);
        });
        if (Limits is { } limits && balance is { } credits)
        {
            Limits = limits with { CreditBalance = credits };
            _balanceReadFor = current.Id;
        }

        if (Job?.Id != current.Id)
        {
            return;
        }

        if (fresh is null)
        {
            // No longer visible (the membership or the role changed): stop following it, events included.
            StopWatching();
            return;
        }

        var ended = GenerationStatusNames.IsTerminal(fresh.Status);
        var step = fresh.Status == "running" ? Math.Max(Job.Step, fresh.Step) : fresh.Step;
        var preview = Job.PreviewUrl ?? (await previews.FindAsync(current.Id) is { } p ? JobView.PreviewUrlOf(current.Id, p.Step) : null);
        Job = Job with
        {
            Status = fresh.Status,
            TotalSteps = fresh.TotalSteps,
            QueuePosition = fresh.QueuePosition,
            EstimatedStartSeconds = fresh.EstimatedStartSeconds,
            WaitReason = fresh.WaitReason,
            WaitingForGpu = fresh.WaitingForGpu,
            PreviewUrl = ended ? null : preview,
            Error = fresh.Error,
            ModelIsSynthetic = fresh.ModelIsSynthetic,
            Images = fresh.Images,
        };
        Job = WithStep(Job, step);
        if (ended)
        {
            StopWatching();
        }
    }

    /// <summary>Unsubscribes and stops polling; the page and the circuit's scope may both call it.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        StopWatching();
        _lifetime.Cancel();
        _lifetime.Dispose();
    }

    private Task<UploadOutcome> UploadAsync(Stream content) =>
        operations.RunAsync((services, caller) =>
            services.GetRequiredService<InputImageUploads>().UploadAsync(caller.TenantId, caller.UserId, content, _lifetime.Token));

    /// <summary>
    /// Takes <paramref name="inputImageId"/> (when given) as the form's input image in <paramref name="mode"/>, then
    /// checks that the images the form names are still the member's (InputImageAccess's rule): a deleted or foreign
    /// one is dropped, and the form asks for an upload instead.
    /// </summary>
    private async Task LoadInputImagesAsync(InputImageUploads uploads, Guid userId, Guid? inputImageId, GenerationMode? mode)
    {
        var fresh = inputImageId is not null;
        if (fresh)
        {
            (Form.InitImageId, Form.MaskImageId, Form.Mode) = (inputImageId, null, mode ?? GenerationMode.ImageToImage);
        }

        var init = Form.InitImageId is { } initId ? await uploads.FindAsync(initId, userId, _lifetime.Token) : null;
        if (init is null)
        {
            (Form.InitImageId, Form.InitImage, Form.MaskImageId) = (null, null, null);
            return;
        }

        if (fresh)
        {
            Form.UseInitImage(InputImageResponse.From(init), Limits?.MaxImageSide ?? GenerationSpec.MaxSize);
        }
        else
        {
            Form.InitImage = InputImageResponse.From(init);
        }

        if (Form.MaskImageId is { } maskId && await uploads.FindAsync(maskId, userId, _lifetime.Token) is null)
        {
            Form.MaskImageId = null;
        }
    }

    /// <summary>Subscribes to the job's events (if the user may watch it) and polls the database until it ends.</summary>
    private async Task WatchAsync(Guid jobId)
    {
        StopWatching();
        // The same member check and visibility rule as GET /api/v1/generations/{id} and the hub's join.
        var visible = await operations.RunAsync(async (services, caller) =>
            await services.GetRequiredService<GenerationReader>().FindAsync(jobId, caller.UserId, caller.IsAdmin, _lifetime.Token) is not null);
        if (visible)
        {
            _subscription = feed.Subscribe(jobId, OnEvent);
        }

        await RefreshAsync();
        if (Job is { IsActive: true })
        {
            _watch = CancellationTokenSource.CreateLinkedTokenSource(_lifetime.Token);
            _ = PollAsync(_watch.Token);
        }
    }

    private async Task PollAsync(CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await Task.Delay(RefreshInterval, time, ct);
                await Dispatch(async () =>
                {
                    try
                    {
                        await RefreshAsync();
                    }
                    catch (PortalAccessException)
                    {
                        // The user may no longer act (disabled, removed, tenant suspended): live events stop too.
                        StopWatching();
                        throw;
                    }

                    Changed?.Invoke();
                });
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or PortalAccessException)
        {
            // The page went away, the job ended, or the user may no longer act: polling stops.
        }
    }

    private void OnEvent(IJobEvent e) => _ = ApplyOnDispatcherAsync(e);

    private async Task ApplyOnDispatcherAsync(IJobEvent e)
    {
        try
        {
            await Dispatch(() =>
            {
                Apply(e);
                Changed?.Invoke();
                return Task.CompletedTask;
            });
        }
        catch (Exception ex) when (ex is ObjectDisposedException or InvalidOperationException)
        {
            LogEventDropped(logger, ex, e.JobId);
        }
    }

    /// <summary>Folds one event into <see cref="Job"/>; public for tests.</summary>
    public void Apply(IJobEvent e)
    {
        if (Job is not { } job || job.Id != e.JobId)
        {
            return;
        }

        switch (e)
        {
            case JobQueuedEvent queued:
                Job = job with { Status = "queued", QueuePosition = queued.QueuePosition, EstimatedStartSeconds = queued.EstimatedStartSeconds };
                break;
            case JobProgressEvent progress when job.IsActive:
                Job = WithStep(job with { Status = "running", TotalSteps = progress.TotalSteps, QueuePosition = null }, progress.Step);
                if (progress.PreviewPng is not null)
                {
                    Job = Job with { PreviewUrl = JobView.PreviewUrlOf(job.Id, progress.Step) };
                }

                break;
            case JobCompletedEvent completed:
                Job = job with { Status = "succeeded", Step = job.TotalSteps, RemainingSeconds = 0, PreviewUrl = null, Images = completed.Images };
                StopWatching();
                break;
            case JobFailedEvent failed:
                Job = job with { Status = failed.Status, Error = failed.Reason, PreviewUrl = null };
                StopWatching();
                break;
        }
    }

    /// <summary>Moves the step forward (never back) and estimates the time left from the pace since the first step seen.</summary>
    private JobView WithStep(JobView job, int step)
    {
        var now = time.GetUtcNow();
        if (_firstStep is not { } first)
        {
            _firstStep = (now, step);
            return job with { Step = Math.Max(step, job.Step) };
        }

        if (step <= job.Step || step <= first.Step)
        {
            return job;
        }

        var perStep = (now - first.At).TotalSeconds / (step - first.Step);
        return job with { Step = step, RemainingSeconds = perStep * Math.Max(0, job.TotalSteps - step) };
    }

    private void StopWatching()
    {
        _subscription?.Dispose();
        _subscription = null;
        _watch?.Cancel();
        _watch?.Dispose();
        _watch = null;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "An event of job {JobId} arrived after its page closed")]
    private static partial void LogEventDropped(ILogger logger, Exception exception, Guid jobId);
}

/// <summary>The plan's limits the form shows as field bounds, and the balance at load.</summary>
public sealed record TenantLimitsView(int MaxImageSide, int MaxSteps, int MaxBatch, long CreditBalance);

/// <summary>The request fields the Create form shows messages under; errors of other fields go to a snackbar.</summary>
internal static class CreateFormFields
{
    public static readonly IReadOnlySet<string> Shown = new HashSet<string>(StringComparer.Ordinal)
    {
        "prompt", "negativePrompt", "model", "scheduler", "steps", "guidanceScale", "width", "height", "seed", "batchSize",
        "initImageId", "maskImageId", "strength", "maskBlur", "inpaintFill", "onlyMaskedPadding",
    };

    /// <summary>Whether the form shows <paramref name="field"/>'s errors: one of <see cref="Shown"/>, or an adapter's (<c>loras</c>, <c>loras[i].name</c>, <c>loras[i].weight</c>).</summary>
    public static bool IsShown(string field) => Shown.Contains(field) || IsLoraField(field);

    public static bool IsLoraField(string field) => field == "loras" || field.StartsWith("loras[", StringComparison.Ordinal);
}
