using System.Net;
using SdPortal.Tests.Support;

namespace SdPortal.Tests.Web;

/// <summary>The README's run command as a real process: Development environment, SQLite, in-process worker.</summary>
public sealed class EmbeddedProcessTests
{
    [Fact]
    public async Task Portal_StartedAsAProcessInDevelopment_AnswersReadyAndServesTheHomePage()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("sdportal-process-").FullName;
        await using var portal = EmbeddedPortalProcess.Start(dataDirectory);
        using var client = portal.CreateClient();

        var ready = await portal.WaitReadyAsync();
        Assert.True(ready == HttpStatusCode.OK, $"/health/ready answered {ready}; output:\n{portal.Output}");
        var home = await client.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Contains($"SdPortal is ready at {portal.Address.ToString().TrimEnd('/')}", portal.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(dataDirectory, "portal.db")));
    }
}
