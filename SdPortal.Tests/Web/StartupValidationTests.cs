using Microsoft.Extensions.Options;
using SdPortal.Data;
using SdPortal.Tests.Support;

namespace SdPortal.Tests.Web;

public sealed class StartupValidationTests
{
    [Fact]
    public async Task Boot_WhenWorkerCountIsOutOfRange_FailsNamingTheSetting()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, new Dictionary<string, string?> { ["Jobs:WorkerCount"] = "0" });

        var error = Assert.Throws<OptionsValidationException>(() => portal.CreateClient());

        Assert.Contains("WorkerCount", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Boot_WhenDataDirectoryIsBlank_FailsNamingTheSetting()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, new Dictionary<string, string?> { ["Portal:DataDirectory"] = " " });

        var error = Assert.Throws<InvalidOperationException>(() => portal.CreateClient());

        Assert.Contains("Portal:DataDirectory", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Boot_WhenAnAllowedOriginHasAPath_FailsNamingTheSetting()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, new Dictionary<string, string?> { ["Portal:AllowedOrigins:0"] = "https://studio.example/app" });

        var error = Assert.Throws<OptionsValidationException>(() => portal.CreateClient());

        Assert.Contains("Portal:AllowedOrigins", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("portal.example.com")]
    [InlineData("ftp://portal.example.com")]
    [InlineData("https://portal.example.com/?next=evil")]
    [InlineData("https://user:pw@portal.example.com")]
    public async Task Boot_WhenThePublicBaseUrlIsMissingOrNotABase_FailsNamingTheSetting(string value)
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, new Dictionary<string, string?> { ["Portal:PublicBaseUrl"] = value });

        var error = Assert.Throws<OptionsValidationException>(() => portal.CreateClient());

        Assert.Contains("Portal:PublicBaseUrl", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("proxy.internal")]
    [InlineData("10.0.0.1/8")]
    [InlineData("10.0.0.0/33")]
    [InlineData("")]
    public async Task Boot_WhenATrustedProxyIsNeitherAnAddressNorANetwork_FailsNamingTheSetting(string value)
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, new Dictionary<string, string?> { ["Portal:TrustedProxies:0"] = value });

        var error = Assert.Throws<OptionsValidationException>(() => portal.CreateClient());

        Assert.Contains("Portal:TrustedProxies", error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{value}'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.0.0.5")]
    [InlineData("10.0.0.0/8")]
    [InlineData("fd00::/8")]
    [InlineData("::1")]
    public async Task Boot_WithATrustedProxyAddressOrNetwork_Starts(string value)
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, new Dictionary<string, string?> { ["Portal:TrustedProxies:0"] = value });

        using var client = portal.CreateClient();

        Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync(new Uri("/account/login", UriKind.Relative))).StatusCode);
    }
}
