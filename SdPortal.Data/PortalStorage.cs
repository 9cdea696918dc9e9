using Microsoft.Extensions.Configuration;

namespace SdPortal.Data;

/// <summary>Which database the portal and Hangfire use.</summary>
public enum DatabaseProvider
{
    /// <summary>One process, one file: the embedded default.</summary>
    Sqlite,

    /// <summary>Shared by several web nodes and inference hosts.</summary>
    PostgreSql,
}

/// <summary>
/// Where data lives, resolved once from configuration: PostgreSQL when <c>ConnectionStrings:PostgreSql</c> is set,
/// otherwise SQLite files under <see cref="PortalOptions.DataDirectory"/>. Data and Hangfire always share the provider.
/// </summary>
public sealed record PortalStorage(DatabaseProvider Provider, string ConnectionString, string DataDirectory)
{
    /// <summary>The configuration key that switches the portal to PostgreSQL.</summary>
    public const string PostgreSqlConnectionStringName = "PostgreSql";

    /// <summary>The SQLite file of Hangfire's storage (embedded mode only).</summary>
    public string HangfireSqlitePath => Path.Combine(DataDirectory, "hangfire.db");

    /// <summary>Resolves the storage and creates the data directory.</summary>
    public static PortalStorage Resolve(IConfiguration configuration)
    {
        var dataDirectory = configuration[$"{PortalOptions.SectionName}:{nameof(PortalOptions.DataDirectory)}"];
        if (dataDirectory is not null && string.IsNullOrWhiteSpace(dataDirectory))
        {
            throw new InvalidOperationException("Portal:DataDirectory is empty: set a folder path or remove the setting.");
        }

        var fullDataDirectory = Path.GetFullPath(dataDirectory ?? new PortalOptions().DataDirectory);
        Directory.CreateDirectory(fullDataDirectory);

        var postgres = configuration.GetConnectionString(PostgreSqlConnectionStringName);
        return string.IsNullOrWhiteSpace(postgres)
            ? new PortalStorage(DatabaseProvider.Sqlite, $"Data Source={Path.Combine(fullDataDirectory, "portal.db")}", fullDataDirectory)
            : new PortalStorage(DatabaseProvider.PostgreSql, postgres, fullDataDirectory);
    }
}
