using Hangfire.PostgreSql;
using Npgsql;

namespace SdPortal.Web.Jobs;

/// <summary>New pooled connections for Hangfire's PostgreSQL storage from one connection string.</summary>
internal sealed class NpgsqlConnectionStringFactory(string connectionString) : IConnectionFactory
{
    public NpgsqlConnection GetOrCreateConnection() => new(connectionString);
}
