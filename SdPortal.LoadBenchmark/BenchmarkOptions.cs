using System.Globalization;

namespace SdPortal.LoadBenchmark;

/// <summary>The command line: <c>[--url URL] [--tenants M] [--jobs N] [--steps S] [--size PX] [--workers W] [--warm K] [--models DIR]</c>.</summary>
internal sealed record BenchmarkOptions(Uri? Url, int Tenants, int Jobs, int Steps, int Size, int Workers, int WarmJobs, string? Models)
{
    /// <summary>A new tenant's free credits allow this many one-credit jobs, and the portal this many outstanding.</summary>
    public const int MaxJobsPerTenant = 50;

    public static BenchmarkOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i].TrimStart('-')] = args[i + 1];
        }

        int Int(string key, int fallback) => values.TryGetValue(key, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var options = new BenchmarkOptions(
            values.TryGetValue("url", out var url) ? new Uri(url.EndsWith('/') ? url : url + "/") : null,
            Int("tenants", 4), Int("jobs", 80), Int("steps", 8), Int("size", 64), Int("workers", 2), Int("warm", 10),
            values.GetValueOrDefault("models"));
        if (options.Jobs > options.Tenants * MaxJobsPerTenant || options.Tenants < 1 || options.Jobs < options.Tenants)
        {
            throw new ArgumentException($"--jobs must be within --tenants … {MaxJobsPerTenant} × --tenants (free credits and the outstanding-jobs limit).");
        }

        return options;
    }

    /// <summary>The request every job submits: the tiny synthetic model, one image.</summary>
    public object Request(int seed) => new
    {
        prompt = "a lighthouse at dusk",
        model = "tiny-synthetic",
        scheduler = "Euler",
        steps = Steps,
        guidanceScale = 7.5,
        width = Size,
        height = Size,
        seed,
        batchSize = 1,
    };
}
