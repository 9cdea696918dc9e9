using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace SdPortal.Tests.Web;

/// <summary>The README's run command as a real process: Development environment, SQLite, in-process worker.</summary>
public sealed class EmbeddedProcessTests
{
    [Fact]
    public async Task Portal_StartedAsAProcessInDevelopment_AnswersReadyAndServesTheHomePage()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("sdportal-process-").FullName;
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "SdPortal.Web.dll"), "--urls", $"http://127.0.0.1:{port}", "--Portal:DataDirectory", dataDirectory },
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["ASPNETCORE_ENVIRONMENT"] = "Development" },
        };
        using var portal = Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        portal.OutputDataReceived += (_, e) => output.AppendLine(e.Data);
        portal.ErrorDataReceived += (_, e) => output.AppendLine(e.Data);
        portal.BeginOutputReadLine();
        portal.BeginErrorReadLine();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
            var ready = await PollReadyAsync(client, portal);
            Assert.True(ready == HttpStatusCode.OK, $"/health/ready answered {ready}; output:\n{output}");
            var home = await client.GetAsync(new Uri("/", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, home.StatusCode);
            Assert.Contains("SdPortal is ready at http://127.0.0.1", output.ToString(), StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(dataDirectory, "portal.db")));
        }
        finally
        {
            portal.Kill(entireProcessTree: true);
            await portal.WaitForExitAsync();
        }
    }

    private static async Task<HttpStatusCode?> PollReadyAsync(HttpClient client, Process portal)
    {
        for (var attempt = 0; attempt < 120 && !portal.HasExited; attempt++)
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
