using System.Reflection;
using Hangfire.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace SdPortal.Inference.Telemetry;

/// <summary>
/// OpenTelemetry for both processes, once: the resource (service, instance, version), the portal and engine meters,
/// runtime and HttpClient metrics, the job activity source, Hangfire executions as spans, and OTLP export when an
/// endpoint is configured (<see cref="TelemetryOptions"/>). Each process adds its own parts to the returned builder
/// (the web node ASP.NET Core, EF Core and the Prometheus endpoint). See ADR-023.
/// </summary>
public static class TelemetryExtensions
{
    /// <summary>Registers OpenTelemetry as <paramref name="serviceName"/> (<c>sdportal-web</c>, <c>sdportal-inference</c>).</summary>
    public static OpenTelemetryBuilder AddSdPortalTelemetry(this IHostApplicationBuilder builder, string serviceName)
    {
        builder.Services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        // Read now as well: whether an exporter exists decides what is registered. Validation on start still reports a bad value.
        var settings = builder.Configuration.GetSection(TelemetryOptions.SectionName).Get<TelemetryOptions>() ?? new TelemetryOptions();
        var otlp = settings.EffectiveOtlpEndpoint(builder.Configuration[TelemetryOptions.StandardOtlpEndpointVariable]);

        builder.Services.AddSingleton<EngineMetrics>();
        builder.Services.AddSingleton<JobExecutionFilter>();
        // Hangfire's servers and clients read their filters from this one provider: the global ones plus ours, per host
        // (several portals in one test process must not share a static filter).
        builder.Services.Replace(ServiceDescriptor.Singleton<IJobFilterProvider>(services => new JobFilterProviderCollection(
            JobFilterProviders.Providers, new JobFilterCollection { services.GetRequiredService<JobExecutionFilter>() })));

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName,
                serviceVersion: typeof(TelemetryExtensions).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion,
                serviceInstanceId: string.IsNullOrWhiteSpace(settings.InstanceId) ? Environment.MachineName : settings.InstanceId))
            .WithMetrics(metrics => metrics
                .AddMeter(SdPortalTelemetry.PortalMeterName, SdPortalTelemetry.EngineMeterName)
                .AddRuntimeInstrumentation()
                .AddHttpClientInstrumentation());
        if (otlp is not null)
        {
            // Spans are recorded only when they can leave the process: with no collector, a job costs no span objects.
            telemetry.WithTracing(tracing => tracing.AddSource(SdPortalTelemetry.JobsActivitySourceName).AddHttpClientInstrumentation());
            telemetry.UseOtlpExporter(settings.Otlp.Protocol == "http/protobuf" ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc, new Uri(otlp));
        }

        return telemetry;
    }

    /// <summary>Whether this process exports over OTLP (an endpoint is configured); the web node adds its sources only then.</summary>
    public static bool ExportsTraces(this IHostApplicationBuilder builder) =>
        (builder.Configuration.GetSection(TelemetryOptions.SectionName).Get<TelemetryOptions>() ?? new TelemetryOptions())
            .EffectiveOtlpEndpoint(builder.Configuration[TelemetryOptions.StandardOtlpEndpointVariable]) is not null;
}
