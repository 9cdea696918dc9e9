using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SdPortal.Tests.Support;

/// <summary>Keeps every log line of one portal (category, level, message) for tests that assert what was logged.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<(string Category, LogLevel Level, string Message)> _lines = new();

    public IReadOnlyList<(string Category, LogLevel Level, string Message)> Lines => [.. _lines];

    /// <summary>Waits (up to <paramref name="timeout"/>) for a line containing <paramref name="text"/>; mail is logged off the request.</summary>
    public async Task<string> WaitForAsync(string text, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (!deadline.IsCancellationRequested)
        {
            if (_lines.FirstOrDefault(l => l.Message.Contains(text, StringComparison.Ordinal)) is { Message: { } found })
            {
                return found;
            }

            await Task.Delay(50, CancellationToken.None);
        }

        throw new TimeoutException($"No log line containing \"{text}\" within {timeout.TotalSeconds} s.");
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs logs, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                logs._lines.Enqueue((category, logLevel, formatter(state, exception)));
            }
        }
    }
}
