using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SdPortal.Inference.Engine;
using SdPortal.Inference.Hosting;
using SdPortal.Inference.Models;
using SdPortal.Inference.Pipeline;

namespace SdPortal.Inference.Memory;

/// <summary>
/// <see cref="IMemoryAdmission"/> over the model catalogue: each model's architecture is read once from its
/// configuration files; the budget is <see cref="JobMemoryOptions.JobBudgetBytes"/>, or else the smallest default
/// among this process's devices (a job may land on any of them). A model whose configuration cannot be read is not
/// checked (logged once): the engine's out-of-memory handling is then all there is.
/// </summary>
public sealed partial class MemoryAdmission : IMemoryAdmission
{
    private readonly ModelCatalog _catalog;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, ModelArchitecture?> _architectures = new(StringComparer.Ordinal);

    public MemoryAdmission(
        ModelCatalog catalog,
        IOptions<JobMemoryOptions> options,
        IServedDevices devices,
        IDeviceTelemetry telemetry,
        ILogger<MemoryAdmission> logger)
    {
        _catalog = catalog;
        _logger = logger;
        BudgetBytes = options.Value.JobBudgetBytes ?? DefaultBudget(options.Value, devices, telemetry);
        LogBudget(_logger, BudgetBytes);
    }

    /// <inheritdoc />
    public long BudgetBytes { get; }

    /// <inheritdoc />
    public MemoryVerdict Check(string modelKey, GenerationSpec request) =>
        BudgetBytes > 0 && Architecture(modelKey) is { } model
            ? MemoryPlan.For(model, request, BudgetBytes)
            : MemoryVerdict.Unchecked(request.BatchSize);

    private ModelArchitecture? Architecture(string modelKey) => _architectures.GetOrAdd(modelKey, key =>
    {
        try
        {
            return ModelArchitecture.Read(_catalog.Prepare(key).Directory);
        }
        catch (Exception ex) when (ex is ModelLoadException or KeyNotFoundException or IOException)
        {
            LogUnreadable(_logger, key, ex.Message);
            return null;
        }
    });

    private static long DefaultBudget(JobMemoryOptions options, IServedDevices devices, IDeviceTelemetry telemetry)
    {
        var budgets = devices.Names
            .Select(InferenceDevice.Parse)
            .Select(device => device.Kind == InferenceDeviceKind.Cuda
                ? telemetry.Read(device.DeviceId)?.MemoryTotalBytes
                : GC.GetGCMemoryInfo().TotalAvailableMemoryBytes)
            .Where(memory => memory is > 0)
            .Select(memory => options.BudgetFor(memory!.Value))
            .ToList();
        return budgets.Count > 0 ? budgets.Min() : 0;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "A generation job may need at most {BudgetBytes} bytes at its peak (Inference:Memory); larger batches run in passes, larger images are refused")]
    private static partial void LogBudget(ILogger logger, long budgetBytes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The memory of model {Model}'s jobs cannot be estimated ({Reason}); its requests are not checked against the job memory budget")]
    private static partial void LogUnreadable(ILogger logger, string model, string reason);
}
