using SdPortal.Web.Api.Access;
using SdPortal.Web.Api.Admin;
using SdPortal.Web.Api.ApiKeys;
using SdPortal.Web.Api.Auth;
using SdPortal.Web.Api.Members;
using SdPortal.Web.Api.Tenants;

namespace SdPortal.Web.Api;

/// <summary>The REST API under <c>/api/v1</c> and its OpenAPI document at <c>/openapi/v1.json</c>.</summary>
public static class PortalApiExtensions
{
    /// <summary>Adds the OpenAPI document and the per-request caller services (problem details and JSON: <see cref="Errors.ErrorHandlingExtensions"/>).</summary>
    public static IHostApplicationBuilder AddPortalApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOpenApi(o => o.AddSchemaTransformer(EnumSchemas.DescribeAsync));
        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(
            o => o.Limits.MaxRequestBodySize = RequestBodyLimits.Default);
        builder.Services.AddScoped<PortalCaller>();
        builder.Services.AddScoped<CallerResolver>();
        builder.Services.AddScoped<RegistrationHandler>();
        builder.Services.AddScoped<EmailConfirmationHandler>();
        builder.Services.AddSingleton<InvitationMail>();
        builder.Services.AddScoped<ApiKeyService>();
        builder.Services.AddScoped<TenantUsageReader>();
        builder.Services.AddScoped<AuditLogReader>();
        builder.Services.AddScoped<InvitationAcceptanceHandler>();
        builder.Services.AddScoped<PasswordResetHandler>();
        return builder;
    }

    /// <summary>Maps the anonymous auth routes, the tenant-scoped routes (members of the tenant) and the operator routes.</summary>
    public static WebApplication MapPortalApi(this WebApplication app)
    {
        app.MapOpenApi();
        var api = app.MapGroup("/api/v1").WithBodyLimit(RequestBodyLimits.Json);
        api.MapAuthEndpoints();

        var tenant = api.MapGroup(string.Empty).RequireAuthorization().AddEndpointFilter<TenantMemberFilter>();
        tenant.MapTenantEndpoints();
        tenant.MapMemberEndpoints();
        tenant.MapApiKeyEndpoints();

        api.MapGroup("/admin").RequireAuthorization().AddEndpointFilter<OperatorFilter>().MapAdminEndpoints();
        return app;
    }
}
