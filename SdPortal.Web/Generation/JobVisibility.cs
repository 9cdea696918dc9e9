using SdPortal.Data.Generation;
using SdPortal.Web.Api.Access;

namespace SdPortal.Web.Generation;

/// <summary>
/// The one rule for who sees a job and everything of it — its row, images, image files, preview and events: a member
/// sees their own jobs, the tenant's admins and owners see all of the tenant's. Queries add it to the tenant filter;
/// the hub's re-checks use <see cref="CanSee"/>, the same rule on a job whose owner is already known. Anything not
/// visible answers "not found" (R16), never "forbidden", so an id says nothing about whether it exists.
/// </summary>
public static class JobVisibility
{
    public static IQueryable<GenerationJob> VisibleTo(this IQueryable<GenerationJob> jobs, PortalCaller caller) =>
        jobs.VisibleTo(caller.UserId, caller.IsAdmin);

    /// <param name="jobs">Jobs of the scope's tenant.</param>
    /// <param name="userId">The caller.</param>
    /// <param name="seesWholeTenant">The caller is an admin or owner of the tenant (<see cref="PortalCaller.IsAdmin"/>).</param>
    public static IQueryable<GenerationJob> VisibleTo(this IQueryable<GenerationJob> jobs, Guid userId, bool seesWholeTenant) =>
        seesWholeTenant ? jobs : jobs.Where(j => j.UserId == userId);

    /// <summary>The images of the jobs in <paramref name="visibleJobs"/>.</summary>
    public static IQueryable<GeneratedImage> OfJobs(this IQueryable<GeneratedImage> images, IQueryable<GenerationJob> visibleJobs) =>
        images.Where(i => visibleJobs.Any(j => j.Id == i.JobId));

    /// <summary><see cref="VisibleTo(IQueryable{GenerationJob}, PortalCaller)"/> for one job of the caller's tenant owned by <paramref name="ownerUserId"/>.</summary>
    public static bool CanSee(PortalCaller caller, Guid ownerUserId) => caller.IsAdmin || ownerUserId == caller.UserId;
}
