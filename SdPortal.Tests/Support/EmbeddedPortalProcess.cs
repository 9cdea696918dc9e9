using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

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

    /// <summary>The shared libraries mapped into the process now (<c>/proc/{pid}/maps</c>, Linux), by file name.</summary>
    public IReadOnlySet<string> LoadedLibraries() =>
        File.ReadLines($"/proc/{_process.Id}/maps")
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length >= 6 && fields[5].StartsWith('/'))
            .Select(fields => Path.GetFileName(fields[5]))
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// Registers <paramref name="tenantName"/>'s owner through the API, confirms the address from the mail, signs in and
    /// returns a client with the bearer token.
    /// </summary>
    public async Task<HttpClient> RegisterOwnerAsync(TestSmtpServer mail, string tenantName)
    {
        var email = $"owner@{tenantName.Replace(' ', '-').ToLowerInvariant()}.test";
        using var anonymous = CreateClient();
        var registered = await anonymous.PostAsJsonAsync(new Uri("/api/v1/auth/register", UriKind.Relative),
            new { email, password = PortalWebFactory.DefaultPassword, tenantName }, PortalWebFactory.Json);
        if (registered.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"Registration answered {registered.StatusCode}:\n{Output}");
        }

        var link = (await mail.WaitForAsync(email, PortalWebFactory.ConfirmationSubject)).LinkTo("/account/confirm-email");
        using var confirmed = await anonymous.GetAsync(new Uri($"/api/v1/auth/confirm-email{new Uri(link).Query}", UriKind.Relative));
        if (confirmed.StatusCode != HttpStatusCode.NoContent)
        {
            throw new InvalidOperationException($"Confirmation answered {confirmed.StatusCode}:\n{Output}");
        }

        var login = await anonymous.PostAsJsonAsync(new Uri("/api/v1/auth/login", UriKind.Relative),
            new { email, password = PortalWebFactory.DefaultPassword }, PortalWebFactory.Json);
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>(PortalWebFactory.Json)).GetProperty("accessToken").GetString();
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
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
