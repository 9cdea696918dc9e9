using System.Text.Json;

namespace SdPortal.Tests.Support;

/// <summary>One scheduler's reference fixture (tools/scheduler-reference): schedules and deterministic traces.</summary>
public sealed record SchedulerFixture(string Scheduler, IReadOnlyList<SchedulerFixtureCase> Cases)
{
    private static readonly JsonSerializerOptions Options = new() { PropertyNameCaseInsensitive = true };

    /// <summary>Reads Fixtures/Schedulers/{id}.json.</summary>
    public static SchedulerFixture Load(string id) =>
        JsonSerializer.Deserialize<SchedulerFixture>(File.ReadAllText(Path.Combine(TestPaths.SchedulerFixtures, id + ".json")), Options)
        ?? throw new InvalidDataException($"Empty fixture {id}.");

    /// <summary>The case for a step count and prediction type.</summary>
    public SchedulerFixtureCase Case(int steps, string prediction)
    {
        foreach (var c in Cases)
        {
            if (c.Steps == steps && c.Prediction == prediction)
            {
                return c;
            }
        }

        throw new InvalidDataException($"{Scheduler}: no fixture case for {steps} steps, {prediction}.");
    }
}

/// <summary>One schedule (and, for 20 and 7 steps, its trace result) of the reference implementation.</summary>
public sealed record SchedulerFixtureCase(
    string Prediction,
    int Steps,
    IReadOnlyList<double> Timesteps,
    IReadOnlyList<double>? Sigmas,
    double InitNoiseSigma,
    IReadOnlyList<double>? Final,
    IReadOnlyList<double>? NoiseFreeFinal);
