using System.Text.Json;
using SdPortal.Data;
using SdPortal.Tests.Support;

namespace SdPortal.Tests.Api;

/// <summary>Enums travel as the names the API defines, and the OpenAPI document says so.</summary>
public sealed class EnumContractTests
{
    [Fact]
    public async Task OpenApiDocument_DescribesRolesAsTheirNames()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database);
        using var client = portal.CreateClient();

        using var document = JsonDocument.Parse(await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)));

        var schemas = document.RootElement.GetProperty("components").GetProperty("schemas");
        var role = schemas.EnumerateObject().First(s => s.Name.StartsWith("TenantRole", StringComparison.Ordinal)).Value;
        Assert.Equal(["Member", "Admin", "Owner"], role.GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
    }
}
