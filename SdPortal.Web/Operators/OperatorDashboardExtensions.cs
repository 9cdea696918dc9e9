using Hangfire;

namespace SdPortal.Web.Operators;

/// <summary>The Hangfire dashboard at <c>/hangfire</c>, for operators only.</summary>
public static class OperatorDashboardExtensions
{
    /// <summary>The dashboard's path.</summary>
    public const string DashboardPath = "/hangfire";

    /// <summary>Maps the dashboard behind <see cref="OperatorDashboardAuthorization"/>.</summary>
    public static WebApplication MapOperatorDashboard(this WebApplication app)
    {
        app.MapHangfireDashboard(DashboardPath, new DashboardOptions
        {
            Authorization = [],
            AsyncAuthorization = [new OperatorDashboardAuthorization()],
            DashboardTitle = "SdPortal jobs",
            AppPath = "/",
        });
        return app;
    }
}
