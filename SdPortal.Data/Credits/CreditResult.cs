namespace SdPortal.Data.Credits;

/// <summary>What a ledger call did.</summary>
public enum CreditOutcome
{
    /// <summary>The movement was written now.</summary>
    Applied,

    /// <summary>The idempotency key was used before; nothing was written and the first entry is returned.</summary>
    Replayed,

    /// <summary>The balance is too low; nothing was written.</summary>
    InsufficientCredits,

    /// <summary>The job has no reservation to capture or release; nothing was written.</summary>
    NotReserved,

    /// <summary>The job was already settled the other way (capture after release or release after capture).</summary>
    Conflict,
}

/// <summary>The outcome of a ledger call and, when an entry exists, that entry's id, kind and amount.</summary>
public sealed record CreditResult(CreditOutcome Outcome, Guid? EntryId = null, CreditEntryKind? Kind = null, long Amount = 0)
{
    /// <summary>True when the movement is in the ledger, written now or earlier.</summary>
    public bool Succeeded => Outcome is CreditOutcome.Applied or CreditOutcome.Replayed;

    internal static CreditResult From(CreditOutcome outcome, CreditLedgerEntry entry) =>
        new(outcome, entry.Id, entry.Kind, entry.Amount);
}
