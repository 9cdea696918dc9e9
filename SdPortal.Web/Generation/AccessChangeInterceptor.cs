using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using SdPortal.Data.Entities;

namespace SdPortal.Web.Generation;

/// <summary>
/// The change-site notifier for hub connections (R29), placed where every change passes: saving a user whose
/// disabled flag or security stamp changed (Identity's password reset and change, any admin edit), a membership removed
/// or re-roled, or a tenant whose status changed makes <see cref="HubReauthorizer"/> re-check the affected connections
/// of this node — once the change is committed, so the re-check reads it. Catching it here rather than at each route
/// also covers change sites added later and those of Identity itself. Bulk <c>ExecuteUpdate</c>/<c>ExecuteDelete</c>
/// and changes on other nodes bypass it; the periodic re-check covers them.
/// </summary>
public sealed partial class AccessChangeInterceptor(HubReauthorizer reauthorizer, ILogger<AccessChangeInterceptor> logger)
    : SaveChangesInterceptor, IDbTransactionInterceptor
{
    // The changes a context saved inside a transaction that has not committed yet.
    private readonly ConditionalWeakTable<DbContext, AccessChange> _pending = [];
    private readonly ConditionalWeakTable<DbContext, AccessChange> _saving = [];

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Collect(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Collect(eventData.Context);
        return result;
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        await SavedAsync(eventData.Context);
        return result;
    }

    // The synchronous paths block on the re-check: ASP.NET Core has no synchronisation context to deadlock on, and the
    // portal saves synchronously nowhere that matters; the change must not return before its connections are re-checked.
    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        SavedAsync(eventData.Context).GetAwaiter().GetResult();
        return result;
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => Forget(eventData.Context, _saving);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context, _saving);
        return Task.CompletedTask;
    }

    public async Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context && _pending.TryGetValue(context, out var change))
        {
            _pending.Remove(context);
            await NotifyAsync(change);
        }
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) =>
        TransactionCommittedAsync(transaction, eventData).GetAwaiter().GetResult();

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Forget(eventData.Context, _pending);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context, _pending);
        return Task.CompletedTask;
    }

    private void Collect(DbContext? context)
    {
        if (context is null)
        {
            return;
        }

        // One pass over the tracked entries (one DetectChanges). Identity's UpdateAsync marks every property modified,
        // so any user update re-checks that user's connections: a spare re-check is harmless, a missed one is not.
        var change = new AccessChange();
        foreach (var entry in context.ChangeTracker.Entries())
        {
            switch (entry.Entity)
            {
                case PortalUser user when entry.State == EntityState.Deleted || (entry.State == EntityState.Modified
                    && (entry.Property(nameof(PortalUser.IsDisabled)).IsModified || entry.Property(nameof(PortalUser.SecurityStamp)).IsModified)):
                    change.Users.Add(user.Id);
                    break;
                case TenantMembership member when entry.State == EntityState.Deleted
                    || (entry.State == EntityState.Modified && entry.Property(nameof(TenantMembership.Role)).IsModified):
                    change.Users.Add(member.UserId);
                    break;
                case Tenant tenant when entry.State == EntityState.Deleted
                    || (entry.State == EntityState.Modified && entry.Property(nameof(Tenant.Status)).IsModified):
                    change.Tenants.Add(tenant.Id);
                    break;
            }
        }

        if (change.Any)
        {
            _saving.AddOrUpdate(context, change);
        }
    }

    private async Task SavedAsync(DbContext? context)
    {
        if (context is null || !_saving.TryGetValue(context, out var change))
        {
            return;
        }

        _saving.Remove(context);
        if (context.Database.CurrentTransaction is null)
        {
            await NotifyAsync(change);
            return;
        }

        // Inside the caller's transaction the change is not visible to other connections yet: re-check on commit.
        _pending.AddOrUpdate(context, _pending.TryGetValue(context, out var earlier) ? earlier.With(change) : change);
    }

    private async Task NotifyAsync(AccessChange change)
    {
        try
        {
            // Awaited, so that when the change's request answers, this node's connections already reflect it.
            await reauthorizer.RecheckAsync(change.Users, change.Tenants, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The change is committed and must stand; the periodic re-check catches what this one could not.
            LogNotifyFailed(logger, ex);
        }
    }

    private static void Forget(DbContext? context, ConditionalWeakTable<DbContext, AccessChange> table)
    {
        if (context is not null)
        {
            table.Remove(context);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Re-checking hub connections after an access change failed; the periodic re-check follows")]
    private static partial void LogNotifyFailed(ILogger logger, Exception exception);

    private sealed class AccessChange
    {
        public HashSet<Guid> Users { get; } = [];

        public HashSet<Guid> Tenants { get; } = [];

        public bool Any => Users.Count > 0 || Tenants.Count > 0;

        public AccessChange With(AccessChange other)
        {
            Users.UnionWith(other.Users);
            Tenants.UnionWith(other.Tenants);
            return this;
        }
    }
}
