namespace SdPortal.Tests.Synthetic;

/// <summary>Tests that share the tiny folders run in this collection (sequentially, on a small CPU).</summary>
[CollectionDefinition(Name)]
public sealed class TinySyntheticSuite : ICollectionFixture<TinySyntheticFolders>
{
    public const string Name = "Tiny synthetic model folders";
}
