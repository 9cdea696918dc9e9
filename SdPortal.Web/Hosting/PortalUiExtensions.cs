using MudBlazor.Services;
using SdPortal.Web.Account;
using SdPortal.Web.Components;
using SdPortal.Web.Operators;
using SdPortal.Web.Ui;

namespace SdPortal.Web.Hosting;

/// <summary>The Blazor Server UI with MudBlazor.</summary>
public static class PortalUiExtensions
{
    /// <summary>Adds Razor components with interactive server rendering and MudBlazor's services.</summary>
    public static IHostApplicationBuilder AddPortalUi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
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
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error", createScopeForErrors: true);
            app.UseHsts();
        }

        // API errors stay problem details (UsePortalIdentity) and the dashboard keeps its raw 401/403; only pages get
        // the not-found page.
        app.UseWhen(
            http => !http.Request.Path.StartsWithSegments("/api") && !http.Request.Path.StartsWithSegments(OperatorDashboardExtensions.DashboardPath),
            pages => pages.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true));
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapAccountEndpoints();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
