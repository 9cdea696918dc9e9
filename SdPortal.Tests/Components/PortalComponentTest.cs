using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using SdPortal.Web.Generation;

namespace SdPortal.Tests.Components;

/// <summary>
/// The base of the component tests: one bUnit context with MudBlazor's services, JavaScript interop in loose mode
/// (MudBlazor's calls answer defaults), and the portal services the small components inject (the cost formula with
/// its default options). The context is disposed asynchronously: some MudBlazor services are only IAsyncDisposable.
/// </summary>
public abstract class PortalComponentTest : IAsyncLifetime
{
    protected PortalComponentTest()
    {
        Context.JSInterop.Mode = JSRuntimeMode.Loose;
        Context.Services.AddMudServices();
        Context.Services.AddOptions<GenerationOptions>();
        Context.Services.AddSingleton<GenerationCost>();
    }

    protected BunitContext Context { get; } = new();

    protected IRenderedComponent<T> Render<T>(Action<ComponentParameterCollectionBuilder<T>> parameters)
        where T : IComponent => Context.Render(parameters);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => Context.DisposeAsync().AsTask();
}
