using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SdPortal.Tests.Support;

/// <summary>
/// The README's run command as a real OS process (<c>dotnet SdPortal.Web.dll</c>, Development, SQLite, in-process
/// worker) on a loopback port and a data folder the caller may reuse across restarts.
/// </summary>
internal sealed class EmbeddedPortalProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private EmbeddedPortalProcess(Process process, Uri address) => (_process, Address) = (process, address);

    public Uri Address { get; }

    /// <summary>What the process printed so far (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts the portal on <paramref name="port"/> (0: a free one) with <paramref name="dataDirectory"/> and extra <c>--Key value</c> settings.</summary>
    public static EmbeddedPortalProcess Start(string dataDirectory, int port = 0, params (string Key, string Value)[] settings)
    {
        port = port == 0 ? FreePort() : port;
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "SdPortal.Web.dll"), "--urls", $"http://127.0.0.1:{port}", "--Portal:DataDirectory", dataDirectory, "--Portal:PublicBaseUrl", $"http://127.0.0.1:{port}" },
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["ASPNETCORE_ENVIRONMENT"] = "Development" },
        };
        foreach (var (key, value) in settings)
        {
            start.ArgumentList.Add($"--{key}");
            start.ArgumentList.Add(value);
        }

        var portal = new EmbeddedPortalProcess(Process.Start(start)!, new Uri($"http://127.0.0.1:{port}"));
        portal._process.OutputDataReceived += (_, e) => portal.Append(e.Data);
        portal._process.ErrorDataReceived += (_, e) => portal.Append(e.Data);
        portal._process.BeginOutputReadLine();
        portal._process.BeginErrorReadLine();
        return portal;
    }

    public HttpClient CreateClient() => new() { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Polls <c>/health/ready</c> until it answers; null if the process exited or never answered.</summary>
    public async Task<HttpStatusCode?> WaitReadyAsync()
    {
        using var client = CreateClient();
        for (var attempt = 0; attempt < 240 && !_process.HasExited; attempt++)
        {
            try
            {
                using var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
                return response.StatusCode;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(250);
            }
        }

        return null;
    }

    /// <summary>SIGKILL: the process dies at once, as on a power cut or an OOM kill.</summary>
    public async Task KillHardAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillHardAsync();
        }

        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Append(string? line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
