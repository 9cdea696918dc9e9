using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using SdPortal.Data;
using SdPortal.Data.Entities;
using SdPortal.Web.Api;
using SdPortal.Web.Hosting;

namespace SdPortal.Web.Identity;

/// <summary>ASP.NET Core Identity, the three ways in (bearer token, API key, cookie) and the per-IP sign-in limit (<see cref="SignInAttemptLimiter"/>). See ADR-002.</summary>
public static class PortalIdentityExtensions
{
    /// <summary>Adds Identity on the portal's context with lockout (5 failures, 5 minutes) and the authentication schemes.</summary>
    public static IHostApplicationBuilder AddPortalIdentity(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<PublicUrlOptions>().BindConfiguration(PortalOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<PublicUrlOptions>, PublicUrlOptions>();
        builder.Services.AddSingleton<PublicUrl>();
        builder.AddPortalEdge();
        builder.Services.AddOptions<BrowserOriginOptions>().BindConfiguration(BrowserOriginOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();

        builder.Services.AddIdentityCore<PortalUser>(o =>
            {
                // Length over composition rules (NIST SP 800-63B, ASVS 6.2): 10+ characters, at least 4 distinct.
                o.Password.RequiredLength = 10;
                o.Password.RequiredUniqueChars = 4;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireDigit = false;
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(5);
                o.User.RequireUniqueEmail = true;
            })
            .AddEntityFrameworkStores<PortalDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders();

        builder.Services.AddAuthentication(PortalClaims.PolicyScheme)
            .AddPolicyScheme(PortalClaims.PolicyScheme, "Bearer token, API key or cookie", o => o.ForwardDefaultSelector = SelectScheme)
            .AddBearerToken(IdentityConstants.BearerScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(PortalClaims.ApiKeyScheme, null)
            .AddIdentityCookies();
        builder.Services.AddOptions<BearerTokenOptions>(IdentityConstants.BearerScheme).Configure<IOptions<AuthOptions>>(
            (bearer, auth) => bearer.BearerTokenExpiration = TimeSpan.FromMinutes(auth.Value.AccessTokenMinutes));
        builder.Services.ConfigureApplicationCookie(o =>
        {
            o.Events.OnRedirectToLogin = ctx => AnswerApiOrRedirect(ctx, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = ctx => AnswerApiOrRedirect(ctx, StatusCodes.Status403Forbidden);
        });
        // Circuits and cookies re-check the security stamp every minute; the API checks user and tenant on every request.
        // The stamp check rebuilds the principal from the database; the switcher's tenant choice travels over.
        builder.Services.Configure<SecurityStampValidatorOptions>(o =>
        {
            o.ValidationInterval = TimeSpan.FromMinutes(1);
            o.OnRefreshingPrincipal = ctx =>
            {
                if (ctx.CurrentPrincipal?.FindFirst(PortalClaims.SelectedTenant) is { } selected && ctx.NewPrincipal?.Identity is ClaimsIdentity identity)
                {
                    identity.AddClaim(new Claim(PortalClaims.SelectedTenant, selected.Value));
                }

                return Task.CompletedTask;
            };
        });
        builder.Services.AddAuthorization();
        builder.Services.AddAntiforgery(o => o.HeaderName = ApiAntiforgeryGuard.HeaderName);
        builder.Services.AddSingleton<IPostConfigureOptions<CookieAuthenticationOptions>, SecureCookies>();
        builder.Services.AddSingleton<IPostConfigureOptions<Microsoft.AspNetCore.Antiforgery.AntiforgeryOptions>, SecureCookies>();

        // Both count on the shared WindowCounter (SharedStateExtensions): with Redis the budget holds across nodes.
        builder.Services.AddSingleton<SignInAttemptLimiter>();
        builder.Services.AddSingleton<RegistrationAttemptLimiter>();
        builder.Services.AddSingleton<DecoyPassword>();
        return builder;
    }

    /// <summary>
    /// The cross-origin guard of the realtime endpoints, problem details for bodiless API errors, then authentication,
    /// the API's antiforgery rule for cookie callers, and authorization (the edge runs before: Program.cs).
    /// </summary>
    public static WebApplication UsePortalIdentity(this WebApplication app)
    {
        app.UseMiddleware<CrossOriginGuard>();
        app.UseWhen(http => MachinePaths.IsRestApi(http.Request.Path), api => api.UseStatusCodePages());
        app.UseAuthentication();
        app.UseMiddleware<ApiAntiforgeryGuard>();
        app.UseAuthorization();
        return app;
    }

    internal static string SelectScheme(HttpContext http)
    {
        if (ApiKeyAuthenticationHandler.ReadKey(http.Request) is not null)
        {
            return PortalClaims.ApiKeyScheme;
        }

        var hubToken = http.Request.Path.StartsWithSegments("/hubs") && http.Request.Query.ContainsKey("access_token");
        return http.Request.Headers.Authorization.Count > 0 || hubToken ? IdentityConstants.BearerScheme : IdentityConstants.ApplicationScheme;
    }

    private static Task AnswerApiOrRedirect(RedirectContext<CookieAuthenticationOptions> ctx, int apiStatus)
    {
        if (MachinePaths.Contains(ctx.HttpContext.Request.Path))
        {
            ctx.Response.StatusCode = apiStatus;
        }
        else
        {
            ctx.Response.Redirect(ctx.RedirectUri);
        }

        return Task.CompletedTask;
    }
}
