using System.Threading.Channels;

namespace SdPortal.Web.Billing.Processing;

/// <summary>
/// Ids of stored events waiting to be processed in this process. Only a hint: the stored row is the truth, and the
/// <see cref="StripeEventSweeper"/> finds rows this queue lost (a crash, another node's failure). See ADR-006.
/// </summary>
internal sealed class StripeEventQueue
{
    private readonly Channel<Guid> _channel = Channel.CreateUnbounded<Guid>(new UnboundedChannelOptions { SingleReader = true });

    public void Enqueue(Guid rowId) => _channel.Writer.TryWrite(rowId);

    public IAsyncEnumerable<Guid> ReadAllAsync(CancellationToken cancellationToken) => _channel.Reader.ReadAllAsync(cancellationToken);
}
