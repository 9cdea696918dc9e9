namespace SdPortal.Inference.Hosting;

/// <summary>
/// The devices whose memory sizes the job memory budget (ADR-016): those this process serves when it runs the engine
/// (<see cref="RuntimeServedDevices"/>), or those the setting names when it only admits requests
/// (<see cref="ConfiguredServedDevices"/>, a web node whose jobs run on inference hosts, ADR-025).
/// </summary>
public interface IServedDevices
{
    /// <summary>Device names, e.g. ["cpu"] or ["cuda:0", "cuda:1"].</summary>
    IReadOnlyList<string> Names { get; }
}
