using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using SdPortal.Inference.Batching;
using SdPortal.Inference.Gpu;
using SdPortal.Inference.Hosting;
using SdPortal.Inference.Jobs;
using SdPortal.Inference.Memory;
using SdPortal.Inference.Models;

namespace SdPortal.Inference.Engine;

/// <summary>Registers the engine side of generation jobs, shared by the web node's in-process worker and the inference host.</summary>
public static class InferenceEngineExtensions
{
    /// <summary>
    /// Adds the model catalogue (<c>Models</c>), the devices (<c>Inference:Devices</c>), the CUDA
    /// provider's settings (<c>Inference:Cuda</c>), the model memory budget (<c>Inference:Residency</c>), the job memory budget and its admission
    /// (<c>Inference:Memory</c>, ADR-016), the long-lived engine and the
    /// Hangfire job <see cref="GenerationWork"/>. The caller provides the <see cref="IJobGateway"/>.
    /// </summary>
    public static IHostApplicationBuilder AddInferenceEngine(this IHostApplicationBuilder builder)
    {
        builder.AddGenerationAdmission();
        builder.Services.AddOptions<BatchingOptions>().BindConfiguration(BatchingOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<CudaProviderSettings>().BindConfiguration(CudaProviderSettings.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<ResidencyOptions>().BindConfiguration(ResidencyOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<SessionSettings>().BindConfiguration(SessionSettings.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        // This process runs the engine: its devices are what the loaded ONNX Runtime offers.
        builder.Services.AddSingleton<IServedDevices, RuntimeServedDevices>();
        builder.Services.AddSingleton<DeviceActivity>();
        builder.Services.AddSingleton<IGenerationEngine, OnnxGenerationEngine>();
        builder.Services.AddTransient<GenerationWork>();
        builder.Services.AddOptions<GenerationWorkOptions>().BindConfiguration(GenerationWorkOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        return builder;
    }

    /// <summary>
    /// What a web node needs to admit requests without running them (ADR-025): the model catalogue (<c>Models</c>),
    /// the devices setting (<c>Inference:Devices</c>) and the job memory budget with its admission (<c>Inference:Memory</c>,
    /// ADR-016). Nothing here opens a session or loads ONNX Runtime's native library; <see cref="AddInferenceEngine"/>
    /// adds the rest when this process runs jobs.
    /// </summary>
    public static IHostApplicationBuilder AddGenerationAdmission(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ModelCatalogOptions>().BindConfiguration(ModelCatalogOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<InferenceHostOptions>().BindConfiguration(InferenceHostOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<JobMemoryOptions>().BindConfiguration(JobMemoryOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddSingleton<IDeviceTelemetry, NvmlDeviceTelemetry>();
        builder.Services.TryAddSingleton<IServedDevices, ConfiguredServedDevices>();
        builder.Services.TryAddSingleton<IMemoryAdmission, MemoryAdmission>();
        builder.Services.TryAddSingleton<ModelCatalog>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        return builder;
    }

    /// <summary>Reports this process's devices to the portal while it runs generation jobs (<see cref="WorkerStatusReporter"/>).</summary>
    public static IServiceCollection AddWorkerStatusReporting(this IServiceCollection services) =>
        services.AddHostedService<WorkerStatusReporter>();
}
