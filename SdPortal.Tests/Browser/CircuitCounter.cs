using Microsoft.AspNetCore.Components.Server.Circuits;

namespace SdPortal.Tests.Browser;

/// <summary>How many Blazor circuits the portal under test holds open; fed by <see cref="CountingCircuitHandler"/>.</summary>
public sealed class CircuitCounter
{
    private int _open;

    public int Open => Volatile.Read(ref _open);

    internal void Opened() => Interlocked.Increment(ref _open);

    internal void Closed() => Interlocked.Decrement(ref _open);
}

/// <summary>One per circuit (scoped), reporting its opening and closing to the shared counter.</summary>
public sealed class CountingCircuitHandler(CircuitCounter counter) : CircuitHandler
{
    public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        counter.Opened();
        return Task.CompletedTask;
    }

    public override Task OnCircuitClosedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        counter.Closed();
        return Task.CompletedTask;
    }
}
