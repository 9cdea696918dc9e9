using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using SdPortal.Web.Generation;

namespace SdPortal.Tests.Support;

/// <summary>
/// Every job event a hub connection receives, with a way to know that nothing sent before a point is still on its way:
/// <see cref="FlushAsync"/> sends a marker to this connection alone and waits for it, and a connection's messages
/// arrive in the order they were sent, so once the marker is in, every earlier event is too.
/// </summary>
public sealed class HubRecorder
{
    private readonly ConcurrentQueue<IJobEvent> _events = new();
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource> _markers = new();
    private readonly PortalWebFactory _portal;

    public HubRecorder(PortalWebFactory portal, HubConnection connection)
    {
        _portal = portal;
        Connection = connection;
        connection.On<JobQueuedEvent>(nameof(IGenerationClient.JobQueued), e =>
        {
            if (_markers.TryGetValue(e.JobId, out var marker))
            {
                marker.TrySetResult();
                return;
            }

            _events.Enqueue(e);
        });
        connection.On<JobProgressEvent>(nameof(IGenerationClient.JobProgress), _events.Enqueue);
        connection.On<JobCompletedEvent>(nameof(IGenerationClient.JobCompleted), _events.Enqueue);
        connection.On<JobFailedEvent>(nameof(IGenerationClient.JobFailed), _events.Enqueue);
    }

    public HubConnection Connection { get; }

    public IReadOnlyList<IJobEvent> Events => [.. _events];

    public void Clear() => _events.Clear();

    /// <summary>Events of <paramref name="jobIds"/> received so far.</summary>
    public int CountOf(params Guid[] jobIds) => _events.Count(e => jobIds.Contains(e.JobId));

    /// <summary>Waits (bounded) until every event sent to this connection before the call has arrived.</summary>
    public async Task FlushAsync()
    {
        var id = Guid.NewGuid();
        var marker = _markers[id] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var hub = _portal.Services.GetRequiredService<IHubContext<GenerationHub, IGenerationClient>>();
        await hub.Clients.Client(Connection.ConnectionId!).JobQueued(new JobQueuedEvent(id, 0, 0));
        await marker.Task.WaitAsync(TimeSpan.FromSeconds(30));
        _markers.TryRemove(id, out _);
    }

    /// <summary>Waits (bounded) until <paramref name="condition"/> holds; fails with <paramref name="what"/> otherwise.</summary>
    public static async Task EventuallyAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < (timeout ?? TimeSpan.FromSeconds(30)), $"Timed out waiting for: {what}");
            await Task.Delay(25);
        }
    }
}
