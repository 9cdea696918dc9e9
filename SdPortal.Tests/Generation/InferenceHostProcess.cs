using System.Diagnostics;
using System.Globalization;
using System.Text;
using SdPortal.Tests.Support;

namespace SdPortal.Tests.Generation;

/// <summary>
/// <c>dotnet SdPortal.Inference.Host.dll host</c> from the test's build output, as a separate OS process on loopback: the
/// deployment's inference host, configured through environment variables as docker-compose does.
/// </summary>
internal sealed class InferenceHostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private InferenceHostProcess(Process process) => _process = process;

    /// <summary>The worker name <c>GenerationWork</c> records on the job row: machine/pid.</summary>
    public string WorkerName => $"{Environment.MachineName}/{_process.Id}";

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>What the host printed so far (for failure messages).</summary>
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

    public static InferenceHostProcess Start(TestDatabase database, Uri portal, string hostToken, int workersPerDevice, int invisibilityTimeoutSeconds)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { TestPaths.InferenceExecutable, "host" },
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["ConnectionStrings__PostgreSql"] = database.PostgresConnectionString,
                ["Jobs__PortalUrl"] = portal.ToString(),
                ["Jobs__HostToken"] = hostToken,
                ["Jobs__WorkersPerDevice"] = workersPerDevice.ToString(CultureInfo.InvariantCulture),
                ["Jobs__InvisibilityTimeoutSeconds"] = invisibilityTimeoutSeconds.ToString(CultureInfo.InvariantCulture),
                ["Inference__Devices"] = "cpu",
                ["Inference__Residency__AdapterBudgetBytes"] = "1073741824",
                ["Models__Directory"] = PortalWebFactory.SharedModels,
                ["Logging__Console__FormatterName"] = "simple",
            },
        };
        var host = new InferenceHostProcess(Process.Start(start)!);
        host._process.OutputDataReceived += (_, e) => host.Append(e.Data);
        host._process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        host._process.BeginOutputReadLine();
        host._process.BeginErrorReadLine();
        return host;
    }

    /// <summary>SIGKILL: the process dies at once, as on a power cut or an OOM kill.</summary>
    public async Task KillHardAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, as docker stop and Kubernetes send: the host should stop gracefully.</summary>
    public void Terminate()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", _process.Id.ToString(CultureInfo.InvariantCulture) } })!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>Waits for the process to end; false after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
