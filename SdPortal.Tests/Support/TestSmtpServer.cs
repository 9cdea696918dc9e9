using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using MimeKit;
using SmtpServer;
using SmtpServer.Net;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace SdPortal.Tests.Support;

/// <summary>A message the test SMTP server received, parsed with MimeKit.</summary>
public sealed partial record ReceivedMail(string From, IReadOnlyList<string> To, string Subject, string TextBody, string HtmlBody)
{
    /// <summary>Every absolute URL in either body (text links and HTML hrefs).</summary>
    public IReadOnlyList<string> Links { get; } =
        [.. UrlPattern().Matches(TextBody + "\n" + HtmlBody).Select(m => WebUtility.HtmlDecode(m.Value)).Distinct()];

    /// <summary>The one link whose path starts with <paramref name="path"/>.</summary>
    public string LinkTo(string path) => Assert.Single(Links, l => new Uri(l).AbsolutePath.StartsWith(path, StringComparison.Ordinal));

    [GeneratedRegex("""https?://[^\s"'<>]+""")]
    private static partial Regex UrlPattern();
}

/// <summary>
/// A real SMTP server on a loopback port, one per portal under test (so parallel tests never read each other's mail):
/// the portal sends to it with MailKit and tests read what it received, waiting for it since mail leaves the request.
/// </summary>
public sealed partial class TestSmtpServer : IAsyncDisposable
{
    private readonly List<ReceivedMail> _received = [];
    private readonly CancellationTokenSource _stop = new();
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _running;

    private TestSmtpServer(int port) => Port = port;

    public int Port { get; }

    /// <summary>How long WaitForAsync waits for a message before failing the test.</summary>
    public static TimeSpan ArrivalTimeout { get; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The portal's settings for real SMTP to this server (no TLS on loopback); retries quick, so a test whose first try
    /// fails waits little.
    /// </summary>
    public (string Key, string Value)[] PortalSettings =>
    [
        ("Email:Delivery", "Smtp"),
        ("Email:From", "SdPortal <no-reply@sdportal.test>"),
        ("Email:Smtp:Host", "127.0.0.1"),
        ("Email:Smtp:Port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ("Email:Smtp:Security", "None"),
        ("Email:RetryDelayMilliseconds", "100"),
    ];

    /// <summary>Everything received so far.</summary>
    public IReadOnlyList<ReceivedMail> Received
    {
        get
        {
            lock (_received)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>A server on a free port, listening once this returns.</summary>
    public static async Task<TestSmtpServer> StartAsync()
    {
        var server = Reserve();
        await server.StartAsync(server.Port);
        return server;
    }

    /// <summary>A free port for a server that is not listening yet (an unreachable mail server until <see cref="ListenAsync"/>).</summary>
    public static TestSmtpServer Reserve()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return new TestSmtpServer(((IPEndPoint)probe.LocalEndpoint).Port);
    }

    /// <summary>Starts listening on the reserved port.</summary>
    public Task ListenAsync() => StartAsync(Port);

    /// <summary>The messages received for <paramref name="to"/> so far.</summary>
    public IReadOnlyList<ReceivedMail> ReceivedFor(string to) =>
        [.. Received.Where(m => m.To.Contains(to, StringComparer.OrdinalIgnoreCase))];

    /// <summary>Waits for the first message to <paramref name="to"/> whose subject starts with <paramref name="subjectStart"/>.</summary>
    public Task<ReceivedMail> WaitForAsync(string to, string subjectStart = "") =>
        WaitForAsync(m => m.To.Contains(to, StringComparer.OrdinalIgnoreCase) && m.Subject.StartsWith(subjectStart, StringComparison.Ordinal),
            $"to {to}, subject \"{subjectStart}…\"");

    /// <summary>Waits for the first message that matches; fails the test after <see cref="ArrivalTimeout"/>.</summary>
    public async Task<ReceivedMail> WaitForAsync(Func<ReceivedMail, bool> match, string description)
    {
        using var timeout = new CancellationTokenSource(ArrivalTimeout);
        while (true)
        {
            Task arrived;
            lock (_received)
            {
                if (_received.FirstOrDefault(match) is { } found)
                {
                    return found;
                }

                arrived = _arrived.Task;
            }

            try
            {
                await arrived.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                var seen = string.Join("; ", Received.Select(m => $"{string.Join(",", m.To)}: {m.Subject}"));
                throw new TimeoutException($"No mail {description} within {ArrivalTimeout.TotalSeconds} s; received: [{seen}]");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_running is not null)
        {
            try
            {
                await _running;
            }
            catch (OperationCanceledException)
            {
                // Stopped, as asked.
            }
        }

        _stop.Dispose();
    }

    private async Task StartAsync(int port)
    {
        var options = new SmtpServerOptionsBuilder()
            .ServerName("smtp.test")
            .Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, port)))
            .Build();
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var listeners = new EndpointListenerFactory();
        listeners.EndpointStarted += (_, _) => listening.TrySetResult();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(listeners);
        services.Add(new Store(this));
        _running = new SmtpServer.SmtpServer(options, services).StartAsync(_stop.Token);
        if (await Task.WhenAny(listening.Task, _running) == _running)
        {
            await _running; // failed to bind: its exception says why
        }
    }

    private void Add(ReceivedMail mail)
    {
        lock (_received)
        {
            _received.Add(mail);
            var arrived = _arrived;
            _arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            arrived.SetResult();
        }
    }

    /// <summary>Keeps each message, parsed, under its envelope recipients.</summary>
    private sealed class Store(TestSmtpServer server) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(
            ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            var message = await MimeMessage.LoadAsync(stream, cancellationToken);
            server.Add(new ReceivedMail(
                message.From.Mailboxes.Single().Address,
                [.. transaction.To.Select(m => $"{m.User}@{m.Host}")],
                message.Subject ?? string.Empty,
                message.TextBody ?? string.Empty,
                message.HtmlBody ?? string.Empty));
            return SmtpResponse.Ok;
        }
    }
}
