using System.CommandLine;
using System.Text.Json;
using SdPortal.Inference.Noise;
using SdPortal.Inference.Schedulers;

namespace SdPortal.Inference.Cli;

/// <summary>
/// <c>scheduler-trace --config FILE --scheduler NAME --steps N [--prediction epsilon|v_prediction]</c>: prints
/// <c>{"timesteps":[…],"sigmas":[…]|null,"final":[256 numbers]|null}</c>, where final is <see cref="SchedulerTrace"/>'s
/// result (null for stochastic schedulers), for comparison with other implementations.
/// </summary>
public sealed class SchedulerTraceCommand : ICliCommand
{
    /// <inheritdoc />
    public Command Build()
    {
        var config = new Option<FileInfo>("--config") { Description = "scheduler_config.json to read", Required = true };
        var scheduler = new Option<string>("--scheduler") { Description = $"One of: {string.Join(", ", SchedulerFactory.Names)}", Required = true };
        var steps = new Option<int>("--steps") { Description = "Inference steps", Required = true };
        var prediction = new Option<string?>("--prediction") { Description = "Override prediction_type: epsilon or v_prediction" };
        prediction.AcceptOnlyFromAmong("epsilon", "v_prediction", "sample");

        var command = new Command("scheduler-trace", "Prints a scheduler's timesteps, sigmas and deterministic trace as JSON.")
        {
            config,
            scheduler,
            steps,
            prediction,
        };
        command.SetAction(parseResult =>
        {
            try
            {
                var json = Trace(
                    SchedulerConfig.Load(parseResult.GetValue(config)!.FullName),
                    parseResult.GetValue(scheduler)!,
                    parseResult.GetValue(steps),
                    parseResult.GetValue(prediction));
                parseResult.InvocationConfiguration.Output.WriteLine(json);
                return 0;
            }
            catch (Exception e) when (e is ArgumentException or FormatException or IOException or UnauthorizedAccessException)
            {
                parseResult.InvocationConfiguration.Error.WriteLine(e.Message);
                return 1;
            }
        });
        return command;
    }

    /// <summary>Builds the trace JSON for one scheduler.</summary>
    public static string Trace(SchedulerConfig config, string schedulerName, int steps, string? prediction)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (prediction is not null)
        {
            config = config.WithPrediction(SchedulerConfigJson.ParsePredictionType(prediction));
        }

        // Stochastic schedulers print no trace; they still need a noise source to be built.
        var scheduler = SchedulerFactory.Create(schedulerName, config, steps, new SeededGaussianNoise(0));
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            WriteArray(writer, "timesteps", scheduler.Timesteps);
            WriteArray(writer, "sigmas", scheduler.Sigmas);
            writer.WritePropertyName("final");
            if (scheduler.IsStochastic)
            {
                writer.WriteNullValue();
            }
            else
            {
                writer.WriteStartArray();
                foreach (var value in SchedulerTrace.Run(scheduler))
                {
                    writer.WriteNumberValue(value);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteArray(Utf8JsonWriter writer, string name, IReadOnlyList<double>? values)
    {
        writer.WritePropertyName(name);
        if (values is null)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteStartArray();
        foreach (var value in values)
        {
            writer.WriteNumberValue(value);
        }

        writer.WriteEndArray();
    }
}
