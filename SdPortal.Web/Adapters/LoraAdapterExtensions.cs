using Microsoft.Extensions.Options;
using SdPortal.Web.Api;
using SdPortal.Web.Api.Access;
using SdPortal.Web.Inputs;

namespace SdPortal.Web.Adapters;

/// <summary>LoRA adapters as a tenant resource: <see cref="AdapterOptions"/>, the access rule, the upload service and the REST routes.</summary>
public static class LoraAdapterExtensions
{
    /// <summary>
    /// Adds <see cref="AdapterOptions"/> (section <c>Adapters</c>, validated on start), <see cref="LoraModelMatcher"/>
    /// (one weight index per model folder for the node's life), <see cref="LoraAdapterAccess"/> and
    /// <see cref="LoraAdapterUploads"/>. Needs <see cref="InputImageExtensions.AddInputImages"/> (previews are checked
    /// as input images) and the generation services (the model catalogue).
    /// </summary>
    public static IHostApplicationBuilder AddLoraAdapters(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AdapterOptions>().BindConfiguration(AdapterOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<LoraModelMatcher>();
        builder.Services.AddSingleton<LoraAdapterFiles>();
        builder.Services.AddScoped<LoraAdapterAccess>();
        builder.Services.AddScoped<LoraAdapterUploads>();
        return builder;
    }

    /// <summary>
    /// Maps <c>/api/v1/loras</c> for the tenant's members (API key, login token or cookie, as every <c>/api/v1</c>
    /// route); the upload route reads at most <see cref="AdapterOptions.MaxBytes"/>, a preview and the framing.
    /// </summary>
    public static WebApplication MapLoraAdapterApi(this WebApplication app)
    {
        var maxBytes = app.Services.GetRequiredService<IOptions<AdapterOptions>>().Value.MaxBytes;
        var maxPreviewBytes = app.Services.GetRequiredService<IOptions<InputImageOptions>>().Value.MaxBytes;
        var tenant = app.MapGroup("/api/v1").WithBodyLimit(RequestBodyLimits.Json).RequireAuthorization().AddEndpointFilter<TenantMemberFilter>();
        tenant.MapLoraAdapterEndpoints(maxBytes, maxPreviewBytes);
        return app;
    }
}
