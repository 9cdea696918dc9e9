using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace SdPortal.LoadBenchmark;

/// <summary>
/// The portal's embedded default as a separate process (SQLite, in-process workers) on a free loopback port, with a
/// throw-away data folder, so the benchmark measures what `dotnet run --project SdPortal.Web` serves.
/// </summary>
internal sealed partial class EmbeddedPortal : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, string> _confirmationLinks = new(StringComparer.OrdinalIgnoreCase);

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
                // No mail server (Email:Delivery Log): the confirmation links, which bring a tenant its credits, are
                // read from the log; and every tenant signs up from this one address.
                "--Logging:LogLevel:SdPortal.Web.Mail.LogMailTransport", "Information",
                "--Auth:RegistrationsPerWindow", "10000",
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
        var portal = new EmbeddedPortal(process, dataDirectory, url);
        process.OutputDataReceived += (_, e) => portal.ReadLine(e.Data);
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine($"[portal] {e.Data}"); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
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

    /// <summary>The confirmation link the portal logged for <paramref name="email"/> (mail leaves the request, so it may take a moment).</summary>
    public async Task<string> ConfirmationLinkAsync(string email)
    {
        for (var watch = Stopwatch.StartNew(); watch.Elapsed < TimeSpan.FromSeconds(30); await Task.Delay(50))
        {
            if (_confirmationLinks.TryGetValue(email, out var link))
            {
                return link;
            }
        }

        throw new TimeoutException($"The portal logged no confirmation link for {email} within 30 s.");
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

    private void ReadLine(string? line)
    {
        if (line is not null && ConfirmationLine().Match(line) is { Success: true } match)
        {
            _confirmationLinks[match.Groups["email"].Value] = match.Groups["link"].Value;
        }
    }

    [GeneratedRegex(@"email-confirmation for (?<email>[^\s,]+), .*: (?<link>https?://\S+)$")]
    private static partial Regex ConfirmationLine();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
