using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using SdPortal.Data;
using SdPortal.Data.Images;
using SdPortal.Tests.Support;

namespace SdPortal.Tests.Images;

public sealed class FileImageStoreTests
{
    [Fact]
    public async Task Save_WritesUnderTheTenantFolder_AndOnlyThatTenantCanOpenIt()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var data = await DataHost.StartAsync(database);
        var store = data.Services.GetRequiredService<IImageStore>();
        var (tenantA, tenantB, imageId) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var bytes = RandomNumberGenerator.GetBytes(4096);

        var stored = await store.SaveAsync(tenantA, imageId, bytes, "png");
        await using var read = store.OpenRead(tenantA, stored.ContentPath);
        using var copy = new MemoryStream();
        await read!.CopyToAsync(copy);

        Assert.True(File.Exists(Path.Combine(database.DataDirectory, "images", $"{tenantA:N}", $"{imageId:N}.png")));
        Assert.Equal((Convert.ToHexStringLower(SHA256.HashData(bytes)), 4096L), (stored.ContentHash, stored.SizeBytes));
        Assert.Equal(bytes, copy.ToArray());
        Assert.Null(store.OpenRead(tenantB, stored.ContentPath));
        Assert.Null(store.OpenRead(tenantB, $"{tenantB:N}/../{tenantA:N}/{imageId:N}.png"));
    }
}
