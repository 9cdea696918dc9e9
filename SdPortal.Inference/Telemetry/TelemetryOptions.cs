using System.ComponentModel.DataAnnotations;

namespace SdPortal.Inference.Telemetry;

/// <summary>
/// Where a process's metrics and traces go (section <c>Telemetry</c>), the same keys on the web node and the inference
/// host. OTLP export is on only when an endpoint is named, here (<c>Telemetry:Otlp:Endpoint</c>) or in the standard
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>; with neither, nothing leaves the process and no trace is recorded (spans cost
/// only when someone listens). See ADR-023.
/// </summary>
public sealed class TelemetryOptions : IValidatableObject
{
    public const string SectionName = "Telemetry";

    /// <summary>The standard variable the OpenTelemetry exporter reads when <c>Telemetry:Otlp:Endpoint</c> is unset.</summary>
    public const string StandardOtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>
    /// <c>service.instance.id</c> of this process's series and spans; the machine name (a pod's name on Kubernetes) when
    /// unset, so two replicas of one service are told apart.
    /// </summary>
    [MaxLength(200, ErrorMessage = "Telemetry:InstanceId must be at most 200 characters.")]
    public string? InstanceId { get; set; }

    /// <summary>OTLP export (<c>Telemetry:Otlp</c>).</summary>
    public OtlpSettings Otlp { get; set; } = new();

    /// <summary>
    /// The inference host only: the port of a Prometheus scrape listener (<c>http://+:{port}/metrics</c>) serving its
    /// engine metrics; 0 (the default) serves none. The web node's endpoint is <c>Telemetry:Prometheus</c>'s.
    /// </summary>
    [Range(0, 65_535, ErrorMessage = "Telemetry:HostMetricsPort must be within 0…65535 (0: no listener).")]
    public int HostMetricsPort { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(Otlp.Endpoint) && !IsHttpUrl(Otlp.Endpoint))
        {
            yield return new ValidationResult("Telemetry:Otlp:Endpoint must be an absolute http(s) URL, e.g. http://otel-collector:4317.",
                [nameof(Otlp)]);
        }

        if (Otlp.Protocol is not ("grpc" or "http/protobuf"))
        {
            yield return new ValidationResult("Telemetry:Otlp:Protocol must be grpc or http/protobuf.", [nameof(Otlp)]);
        }
    }

    /// <summary>The OTLP endpoint in force: this section's, else the standard variable's; null when export is off.</summary>
    public string? EffectiveOtlpEndpoint(string? standardVariable) =>
        !string.IsNullOrWhiteSpace(Otlp.Endpoint) ? Otlp.Endpoint : string.IsNullOrWhiteSpace(standardVariable) ? null : standardVariable;

    private static bool IsHttpUrl(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    /// <summary><c>Telemetry:Otlp</c>: the collector and the protocol it speaks.</summary>
    public sealed class OtlpSettings
    {
        /// <summary>The collector, e.g. <c>http://otel-collector:4317</c> (gRPC) or <c>:4318</c> (HTTP); unset: off.</summary>
        public string? Endpoint { get; set; }

        /// <summary><c>grpc</c> (the default) or <c>http/protobuf</c>, as <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> spells it.</summary>
        public string Protocol { get; set; } = "grpc";
    }
}
