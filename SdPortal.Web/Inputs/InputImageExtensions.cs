using Microsoft.Extensions.Options;
using SdPortal.Web.Api;
using SdPortal.Web.Api.Access;

namespace SdPortal.Web.Inputs;

/// <summary>Input images for image-to-image and inpainting: <see cref="InputImageOptions"/>, the upload service and its REST routes.</summary>
public static class InputImageExtensions
{
    /// <summary>
    /// Adds <see cref="InputImageOptions"/> (section <c>Inputs</c>, validated on start), <see cref="InputImageUploads"/>
    /// and, after the app is built, <c>/api/v1/input-images</c> for the tenant's members (API key, login token or
    /// cookie, as every <c>/api/v1</c> route).
    /// </summary>
    public static IHostApplicationBuilder AddInputImages(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<InputImageOptions>().BindConfiguration(InputImageOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddScoped<InputImageUploads>();
        return builder;
    }

    /// <summary>Maps <c>/api/v1/input-images</c>; the upload route reads at most <see cref="InputImageOptions.MaxBytes"/> plus the multipart framing.</summary>
    public static WebApplication MapInputImageApi(this WebApplication app)
    {
        var maxBytes = app.Services.GetRequiredService<IOptions<InputImageOptions>>().Value.MaxBytes;
        var tenant = app.MapGroup("/api/v1").WithBodyLimit(RequestBodyLimits.Json).RequireAuthorization().AddEndpointFilter<TenantMemberFilter>();
        tenant.MapInputImageEndpoints(maxBytes);
        return app;
    }
}
