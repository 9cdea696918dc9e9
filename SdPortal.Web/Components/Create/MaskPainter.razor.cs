using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace SdPortal.Web.Components.Create;

/// <summary>
/// A canvas over the input image where the user paints the inpaint mask, through the JS module
/// <c>js/maskPainter.js</c> (JS isolation). The mask has the image's size; <see cref="ExportAsync"/> hands it over as a
/// PNG (white = repaint, on black) streamed from the browser in chunks within the circuit's message limit.
/// </summary>
public sealed partial class MaskPainter
{
    private ElementReference _canvas;
    private IJSObjectReference? _module;
    private IJSObjectReference? _painter;
    private (Guid Image, bool Inverted)? _shown;
    private bool _erase;
    private int _brush;

    [Inject]
    private IJSRuntime JS { get; set; } = default!;

    /// <summary>The input image: its id (the painter starts again when it changes), size and file URL.</summary>
    [Parameter, EditorRequired] public Guid ImageId { get; set; }

    [Parameter, EditorRequired] public int Width { get; set; }

    [Parameter, EditorRequired] public int Height { get; set; }

    [Parameter, EditorRequired] public string ImageUrl { get; set; } = string.Empty;

    /// <summary>A mask to start from (a reused job's), as a file URL; null starts empty.</summary>
    [Parameter] public string? MaskUrl { get; set; }

    /// <summary>Shows the area that is not painted as the one to repaint (the spec's "invert mask").</summary>
    [Parameter] public bool Inverted { get; set; }

    private int MaxBrush => Math.Max(8, Math.Min(Width, Height) / 2);

    /// <summary>Whether anything is painted, and whether it changed since the last export.</summary>
    public async Task<MaskState> StateAsync() =>
        _painter is null ? new MaskState(Empty: true, Dirty: false) : await _painter.InvokeAsync<MaskState>("state");

    /// <summary>The mask as a PNG of the image's size, white = repaint.</summary>
    public async Task<IJSStreamReference> ExportAsync() =>
        _painter is null ? throw new InvalidOperationException("The mask painter has not started.") : await _painter.InvokeAsync<IJSStreamReference>("exportPng");

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (_shown?.Image != ImageId)
        {
            _module ??= await JS.InvokeAsync<IJSObjectReference>("import", "./js/maskPainter.js");
            if (_painter is not null)
            {
                await _painter.InvokeVoidAsync("dispose");
                await _painter.DisposeAsync();
            }

            _painter = await _module.InvokeAsync<IJSObjectReference>("create", _canvas, Width, Height, MaskUrl);
            _brush = Math.Max(4, (int)Math.Round(Math.Min(Width, Height) / 16.0));
            _erase = false;
            _shown = (ImageId, false);
            StateHasChanged();
        }

        if (_painter is not null && _shown?.Inverted != Inverted)
        {
            await _painter.InvokeVoidAsync("setInverted", Inverted);
            _shown = (ImageId, Inverted);
        }
    }

    private async Task SetEraseAsync(bool erase)
    {
        _erase = erase;
        if (_painter is not null)
        {
            await _painter.InvokeVoidAsync("setErase", erase);
        }
    }

    private async Task SetBrushAsync(int size)
    {
        _brush = size;
        if (_painter is not null)
        {
            await _painter.InvokeVoidAsync("setBrush", size);
        }
    }

    private async Task ClearAsync()
    {
        if (_painter is not null)
        {
            await _painter.InvokeVoidAsync("clear");
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_painter is not null)
            {
                await _painter.InvokeVoidAsync("dispose");
                await _painter.DisposeAsync();
            }

            if (_module is not null)
            {
                await _module.DisposeAsync();
            }
        }
        catch (JSDisconnectedException)
        {
            // The circuit is gone, and the page with it: nothing left to release in the browser.
        }
    }
}

/// <summary>What the mask painter holds: nothing painted yet; changed since the last export.</summary>
public sealed record MaskState(bool Empty, bool Dirty);
