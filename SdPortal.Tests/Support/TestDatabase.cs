using Npgsql;
using SdPortal.Data;

namespace SdPortal.Tests.Support;

/// <summary>
/// A throw-away database on one provider: a temporary data folder for SQLite, or a fresh database on the PostgreSQL
/// server that test.sh starts (its admin connection string in <see cref="PostgresServerVariable"/>).
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    /// <summary>The environment variable holding the test server's admin connection string.</summary>
    public const string PostgresServerVariable = "SDPORTAL_TEST_POSTGRES";

    private readonly string? _databaseName;

    private TestDatabase(DatabaseProvider provider, string dataDirectory, string? postgresConnectionString, string? databaseName)
    {
        Provider = provider;
        DataDirectory = dataDirectory;
        PostgresConnectionString = postgresConnectionString;
        _databaseName = databaseName;
    }

    public DatabaseProvider Provider { get; }

    public string DataDirectory { get; }

    public string? PostgresConnectionString { get; }

    /// <summary>The configuration a portal host needs to use this database.</summary>
    public IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Portal:DataDirectory"] = DataDirectory,
        // The test server's own address; mail links and return URLs are built from it, never from a request.
        ["Portal:PublicBaseUrl"] = "http://localhost",
        ["ConnectionStrings:PostgreSql"] = PostgresConnectionString ?? string.Empty,
    };

    /// <summary>Both providers, for theories that must hold on each.</summary>
    public static TheoryData<DatabaseProvider> Providers => new(DatabaseProvider.Sqlite, DatabaseProvider.PostgreSql);

    public static async Task<TestDatabase> CreateAsync(DatabaseProvider provider)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("sdportal-test-").FullName;
        if (provider == DatabaseProvider.Sqlite)
        {
            return new TestDatabase(provider, dataDirectory, null, null);
        }

        var server = Environment.GetEnvironmentVariable(PostgresServerVariable);
        if (string.IsNullOrWhiteSpace(server))
        {
            throw new InvalidOperationException(
                $"{PostgresServerVariable} is not set: run the suite through ./test.sh, which starts PostgreSQL.");
        }

        var name = $"sdportal_test_{Guid.NewGuid():N}";
        await using (var admin = new NpgsqlConnection(server))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
            await create.ExecuteNonQueryAsync();
        }

        var connectionString = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
        return new TestDatabase(provider, dataDirectory, connectionString, name);
    }

    public async ValueTask DisposeAsync()
    {
        if (_databaseName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(Environment.GetEnvironmentVariable(PostgresServerVariable));
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_databaseName}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A host still closing its SQLite files; the OS temp folder cleans up after us.
        }
    }
}
