using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SdPortal.Data;
using SdPortal.Data.Credits;
using SdPortal.Tests.Support;

namespace SdPortal.Tests.Generation;

/// <summary>
/// Submission against the job memory budget (<c>Inference:Memory:JobBudgetBytes</c>, ADR-016). 340 MB lets the tiny
/// model run 256² one image at a time (estimated 0.31 GB) but not two (0.40 GB) nor 512² at all (1.5 GB).
/// </summary>
public sealed class MemoryAdmissionApiTests
{
    private const string Budget = "340000000";

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Submit_ImageOverTheMemoryBudget_Answers400OnWidthAndReservesNothing(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var portal = new PortalWebFactory(database, PortalWebFactory.GenerationSettings(more: ("Inference:Memory:JobBudgetBytes", Budget)));
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Thrifty");

        var response = await PortalWebFactory.SubmitGenerationAsync(owner, PortalWebFactory.TinyRequest(("width", 512), ("height", 512), ("batchSize", 4)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>(PortalWebFactory.Json)).GetProperty("errors");
        var message = Assert.Single(Assert.Single(errors.EnumerateObject(), e => e.Name == "width").Value.EnumerateArray()).GetString();
        Assert.Contains("512×512 needs about", message, StringComparison.Ordinal);
        Assert.Contains("this server allows 0.3 GB per job", message, StringComparison.Ordinal);
        Assert.Contains("use at most", message, StringComparison.Ordinal);
        Assert.Equal((TenantLimitsDefaults.Credits, 0, 0), (await PortalWebFactory.BalanceAsync(owner),
            await portal.JobCountAsync(tenant.TenantId), await portal.LedgerEntriesAsync(tenant.TenantId, CreditEntryKind.Reserve)));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Submit_BatchOverTheMemoryBudget_IsAcceptedAndRunsInPassesToFourImages(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var portal = new PortalWebFactory(database, PortalWebFactory.GenerationSettings(more: ("Inference:Memory:JobBudgetBytes", Budget)));
        var (_, owner) = await portal.RegisterAndLoginAsync("Patient");

        var id = await PortalWebFactory.SubmitAcceptedAsync(owner, PortalWebFactory.TinyRequest(("width", 256), ("height", 256), ("batchSize", 4)));
        var job = await PortalWebFactory.WaitForStatusAsync(owner, id, "succeeded");

        Assert.Equal(4, job.GetProperty("images").GetArrayLength());
        Assert.Equal((4, 4), (job.GetProperty("step").GetInt32(), job.GetProperty("totalSteps").GetInt32()));
    }
}
