using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace SdPortal.Web.Ui;

/// <summary>
/// The base of the tenant's pages: their operations run through <see cref="TenantOperations"/>, and a refusal
/// (revoked user, suspended tenant) becomes a snackbar instead of a broken circuit.
/// </summary>
public abstract class TenantPage : ComponentBase
{
    [Inject]
    private protected TenantOperations Operations { get; set; } = default!;

    [Inject]
    protected ISnackbar Snackbar { get; set; } = default!;

    /// <summary>Runs <paramref name="action"/>, showing a <see cref="PortalAccessException"/>'s message.</summary>
    protected async Task GuardAsync(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (PortalAccessException ex)
        {
            Snackbar.Add(ex.Message, Severity.Error);
        }
    }
}
