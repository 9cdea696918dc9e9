using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace SdPortal.LoadBenchmark;

/// <summary>
/// The portal's embedded default as a separate process (SQLite, in-process workers) on a free loopback port, with a
/// throw-away data folder, so the benchmark measures what `dotnet run --project SdPortal.Web` serves.
/// </summary>
internal sealed class EmbeddedPortal : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _dataDirectory;

    private EmbeddedPortal(Process process, string dataDirectory, Uri url) => (_process, _dataDirectory, Url) = (process, dataDirectory, url);

    public Uri Url { get; }

    public static async Task<EmbeddedPortal> StartAsync(int workers, string? modelsDirectory)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("sdportal-load-").FullName;
        var url = new Uri($"http://127.0.0.1:{FreePort()}/");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                Path.Combine(AppContext.BaseDirectory, "SdPortal.Web.dll"), "--urls", url.ToString().TrimEnd('/'),
                "--Portal:DataDirectory", dataDirectory,
                "--Portal:PublicBaseUrl", url.ToString().TrimEnd('/'),
                "--Jobs:WorkerCount", workers.ToString(CultureInfo.InvariantCulture),
                // The benchmark's tenants submit in a burst: the per-tenant minute limit is not what is measured here.
                "--Generation:SubmitsPerMinute", "100000",
                "--Logging:LogLevel:Default", "Warning",
            },
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (modelsDirectory is not null)
        {
            start.ArgumentList.Add("--Models:Directory");
            start.ArgumentList.Add(modelsDirectory);
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine($"[portal] {e.Data}"); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var portal = new EmbeddedPortal(process, dataDirectory, url);
        using var client = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(5) };
        for (var watch = Stopwatch.StartNew(); watch.Elapsed < TimeSpan.FromSeconds(90); await Task.Delay(250))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The portal exited with {process.ExitCode}.");
            }

            try
            {
                if ((await client.GetAsync(new Uri("health/ready", UriKind.Relative))).StatusCode == HttpStatusCode.OK)
                {
                    return portal;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
        }

        await portal.DisposeAsync();
        throw new TimeoutException("The portal did not become ready within 90 s.");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Left to the OS temp cleaner.
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
