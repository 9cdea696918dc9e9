using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.SignalR;
using SdPortal.Data;
using SdPortal.Inference.Engine;
using SdPortal.Inference.Jobs;
using SdPortal.Web.Api;
using SdPortal.Web.Api.Access;
using SdPortal.Web.Gallery;
using SdPortal.Web.Inputs;
using SdPortal.Web.Jobs;
using SdPortal.Web.Operators;

namespace SdPortal.Web.Generation;

/// <summary>Generation jobs end to end: admission, fair dispatch, the job gateway, the hub and the REST routes.</summary>
public static class GenerationExtensions
{
    /// <summary>
    /// Adds <see cref="GenerationOptions"/> (validated on start), the model catalogue and admission (models under
    /// <c>{DataDirectory}/models</c> unless <c>Models:Directory</c> says otherwise), the engine as a module when
    /// <c>Jobs:RunInferenceInProcess</c> is true (otherwise this node never loads ONNX Runtime, ADR-025), the dispatcher,
    /// the gateway and SignalR.
    /// </summary>
    public static IHostApplicationBuilder AddGenerationJobs(this IHostApplicationBuilder builder, PortalStorage storage)
    {
        builder.Services.AddOptions<GenerationOptions>().BindConfiguration(GenerationOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        if (JobsOptions.From(builder.Configuration).RunInferenceInProcess)
        {
            builder.AddInferenceEngine();
        }
        else
        {
            builder.AddGenerationAdmission();
        }

        if (string.IsNullOrWhiteSpace(builder.Configuration[$"{ModelCatalogOptions.SectionName}:{nameof(ModelCatalogOptions.Directory)}"]))
        {
            builder.Services.Configure<ModelCatalogOptions>(o => o.Directory = Path.Combine(storage.DataDirectory, "models"));
        }

        builder.Services.AddSingleton<GenerationCost>();
        builder.Services.AddSingleton<SubmitRateLimiter>();
        builder.Services.AddSingleton<QueueBoard>();
        builder.Services.AddSingleton<GenerationEvents>();
        builder.Services.AddSingleton<WorkerCapacity>();
        builder.Services.AddSingleton<JobLifecycle>();
        builder.Services.AddSingleton<JobSettlement>();
        builder.Services.AddSingleton<JobRecovery>();
        builder.AddHubAuthorization();
        builder.Services.AddScoped<PoolOverviewReader>();
        builder.Services.AddSingleton<IJobGateway, PortalJobGateway>();
        builder.Services.AddSingleton<FairDispatcher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<FairDispatcher>());
        builder.Services.AddSingleton<JobRecoverySweeper>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<JobRecoverySweeper>());
        builder.Services.AddSingleton<ModelSchedulers>();
        builder.Services.AddScoped<InputImageAccess>();
        builder.Services.AddSingleton<ModelCapabilities>();
        builder.Services.AddScoped<GenerationSubmitter>();
        builder.Services.AddScoped<GenerationReader>();
        builder.Services.AddScoped<GenerationCanceller>();
        builder.Services.AddScoped<GalleryReader>();
        builder.Services.AddScoped<ImageDeleter>();

        // The Redis backplane, when configured, is added with the rest of the shared state (SharedStateExtensions).
        builder.Services.AddSignalR().AddHubOptions<GenerationHub>(o => o.AddFilter<HubCallerFilter>());

        // Browsers cannot set headers on a WebSocket: the hub also takes the bearer token from ?access_token=.
        builder.Services.PostConfigure<BearerTokenOptions>(IdentityConstants.BearerScheme, o => o.Events.OnMessageReceived = ctx =>
        {
            if (ctx.Request.Path.StartsWithSegments(GenerationHub.Path) && ctx.Request.Query["access_token"].FirstOrDefault() is { Length: > 0 } token)
            {
                ctx.Token = token;
            }

            return Task.CompletedTask;
        });
        return builder;
    }

    /// <summary>
    /// Maps <c>/api/v1/generations</c>, <c>/api/v1/images/{id}</c> (tenant members), the hub <c>/hubs/generations</c> and
    /// the inference hosts' <c>/internal/jobs/…</c> (host token).
    /// </summary>
    public static WebApplication MapGenerationApi(this WebApplication app)
    {
        var tenant = app.MapGroup("/api/v1").WithBodyLimit(RequestBodyLimits.Json).RequireAuthorization().AddEndpointFilter<TenantMemberFilter>();
        tenant.MapGenerationEndpoints();
        tenant.MapImageEndpoints();
        app.MapHub<GenerationHub>(GenerationHub.Path).RequireAuthorization(HubSignInRequirement.PolicyName);
        app.MapInternalJobEndpoints();
        return app;
    }
}
