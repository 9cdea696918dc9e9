using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using SdPortal.Data.Providers;

namespace SdPortal.Tests.Billing.Support;

/// <summary>
/// Makes every command that touches one table fail as if the database were unreachable, on both providers, while
/// <see cref="Down"/> is set; counts the commands it failed.
/// </summary>
public sealed class TableOutage(string table) : DbCommandInterceptor
{
    private int _failed;
    private volatile bool _down;

    public bool Down
    {
        get => _down;
        set => _down = value;
    }

    public int Failed => _failed;

    public void Register(IServiceCollection services)
    {
        services.ConfigureDbContext<SqlitePortalDbContext>(o => o.AddInterceptors(this));
        services.ConfigureDbContext<PostgresPortalDbContext>(o => o.AddInterceptors(this));
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Check(command);
        return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Check(command);
        return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Check(command);
        return base.ScalarExecutingAsync(command, eventData, result, cancellationToken);
    }

    private void Check(DbCommand command)
    {
        if (Down && command.CommandText.Contains($"\"{table}\"", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _failed);
            throw new TimeoutException($"Simulated outage: the database did not answer a command on {table}.");
        }
    }
}
