namespace SdPortal.Data.Credits;

/// <summary>
/// Serialises ledger transactions within the process on SQLite, which has a single writer anyway: waiting here costs
/// nothing, while waiting inside SQLite means BUSY retries with sleeps. A no-op on PostgreSQL, where row locks order
/// concurrent writers. See ADR-003.
/// </summary>
internal sealed class LedgerWriteGate(PortalStorage storage) : IDisposable
{
    private readonly SemaphoreSlim _sqliteWriter = new(1, 1);

    public async ValueTask<IDisposable?> EnterAsync(CancellationToken cancellationToken)
    {
        if (storage.Provider != DatabaseProvider.Sqlite)
        {
            return null;
        }

        await _sqliteWriter.WaitAsync(cancellationToken);
        return new Releaser(_sqliteWriter);
    }

    public void Dispose() => _sqliteWriter.Dispose();

    private sealed class Releaser(SemaphoreSlim semaphore) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                semaphore.Release();
            }
        }
    }
}
