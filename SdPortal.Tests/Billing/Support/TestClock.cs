namespace SdPortal.Tests.Billing.Support;

/// <summary>
/// The portal's clock in billing tests: the real time moved by an offset, or frozen at an instant (R2's boundary
/// must not drift while a request is in flight). Timers stay real, so background services keep ticking.
/// </summary>
public sealed class TestClock : TimeProvider
{
    private readonly object _gate = new();
    private DateTimeOffset? _frozen;
    private TimeSpan _offset;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _frozen ?? base.GetUtcNow() + _offset;
        }
    }

    public void Freeze(DateTimeOffset instant)
    {
        lock (_gate)
        {
            _frozen = instant;
        }
    }

    public void Advance(TimeSpan by)
    {
        lock (_gate)
        {
            if (_frozen is { } frozen)
            {
                _frozen = frozen + by;
            }

            _offset += by;
        }
    }
}
