using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;

namespace SdPortal.Inference.Jobs;

/// <summary>
/// What every process sharing the generation queue must agree on: Hangfire's serializer settings and the PostgreSQL
/// storage's schema and timings. The web node and the inference host both build theirs here.
/// </summary>
public static class GenerationJobStorage
{
    /// <summary>The serializer settings of every Hangfire client and server of the portal.</summary>
    public static IGlobalConfiguration UsePortalConventions(this IGlobalConfiguration configuration) => configuration
        .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
        .UseSimpleAssemblyNameTypeSerializer()
        .UseRecommendedSerializerSettings();

    /// <summary>
    /// Hangfire's PostgreSQL storage (schema <c>hangfire</c>, created if missing) polling every
    /// <paramref name="queuePoll"/>, with a sliding <paramref name="invisibilityTimeout"/>: a running job keeps its
    /// lease alive, and a job whose worker died is handed out again once the lease lapses (R11, R12).
    /// </summary>
    public static JobStorage CreatePostgreSql(string connectionString, TimeSpan queuePoll, TimeSpan invisibilityTimeout)
    {
        var options = new PostgreSqlStorageOptions
        {
            PrepareSchemaIfNecessary = true,
            QueuePollInterval = queuePoll,
            InvisibilityTimeout = invisibilityTimeout,
            UseSlidingInvisibilityTimeout = true,
        };
        return new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, options), options);
    }
}
