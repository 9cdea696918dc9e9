using Microsoft.AspNetCore.Diagnostics;
using MudBlazor.Services;
using SdPortal.Web.Account;
using SdPortal.Web.Api;
using SdPortal.Web.Components;
using SdPortal.Web.Operators;
using SdPortal.Web.Ui;

namespace SdPortal.Web.Hosting;

/// <summary>The Blazor Server UI with MudBlazor.</summary>
public static class PortalUiExtensions
{
    /// <summary>The largest client→server message a circuit accepts (R23).</summary>
    public const int MaximumCircuitMessageBytes = 32 * 1024;

    /// <summary>Adds Razor components with interactive server rendering and MudBlazor's services.</summary>
    public static IHostApplicationBuilder AddPortalUi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents()
            // 32 KB, written out rather than left to the default (R23): the largest message a browser may send into its
            // circuit, so no client can make the server buffer more per message. Form values, clicks and render acks come
            // nowhere near it; an input image uploaded on the Create page (or its painted mask) streams in chunks Blazor
            // sizes below this limit, read by the upload service up to Inputs:MaxBytes. Images shown travel the other way
            // as URLs the browser fetches over HTTP.
            .AddHubOptions(hub => hub.MaximumReceiveMessageSize = MaximumCircuitMessageBytes);
        builder.Services.AddMudServices();
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddScoped<TenantOperations>();
        builder.Services.AddTransient<CreateJobSession>();
        builder.Services.AddHostedService<StartupBanner>();
        return builder;
    }

    /// <summary>Maps the error handling, static assets and the component endpoints.</summary>
    public static WebApplication UsePortalUi(this WebApplication app)
    {
        // Errors: UsePortalErrorHandling (first in the pipeline); HSTS: SecurityHeaders, by the public URL.

        // API errors stay problem details (UsePortalIdentity) and the dashboard keeps its raw 401/403; only pages get
        // the not-found page, and only for a 404: re-executing another bodiless status as the (POST) request it was
        // turned a forged form's 400 (no antiforgery token, R22) into an empty 404.
        app.UseWhen(
            http => !MachinePaths.IsRestApi(http.Request.Path) && !http.Request.Path.StartsWithSegments(OperatorDashboardExtensions.DashboardPath),
            pages => pages.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true).Use(OnlyNotFoundGetsThePage));
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapAccountEndpoints();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }

    private static async Task OnlyNotFoundGetsThePage(HttpContext http, RequestDelegate next)
    {
        await next(http);
        if (http.Response.StatusCode != StatusCodes.Status404NotFound && http.Features.Get<IStatusCodePagesFeature>() is { } statusPages)
        {
            statusPages.Enabled = false;
        }
    }
}
