using System.Text.Json;

namespace SdPortal.Inference.Schedulers;

/// <summary>Reads scheduler_config.json with System.Text.Json, tolerating keys it does not know.</summary>
internal static class SchedulerConfigJson
{
    /// <summary>Parses the JSON object; null values and keys listed in <c>_use_default_values</c> count as absent.</summary>
    public static SchedulerConfig Parse(string json)
    {
        using var document = ParseDocument(json);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("scheduler_config.json must hold a JSON object.");
        }

        var defaulted = ReadDefaultedKeys(root);
        JsonElement? Get(string key) =>
            !defaulted.Contains(key) && root.TryGetProperty(key, out var value) && value.ValueKind != JsonValueKind.Null
                ? value
                : null;

        var config = new SchedulerConfig();
        return config with
        {
            NumTrainTimesteps = Get("num_train_timesteps") is { } t ? ReadInt(t, "num_train_timesteps") : config.NumTrainTimesteps,
            BetaStart = Get("beta_start") is { } b0 ? ReadDouble(b0, "beta_start") : null,
            BetaEnd = Get("beta_end") is { } b1 ? ReadDouble(b1, "beta_end") : null,
            BetaSchedule = Get("beta_schedule") is { } bs ? ParseBetaSchedule(ReadString(bs, "beta_schedule")) : null,
            PredictionType = Get("prediction_type") is { } p ? ParsePredictionType(ReadString(p, "prediction_type")) : config.PredictionType,
            StepsOffset = Get("steps_offset") is { } o ? ReadInt(o, "steps_offset") : 0,
            SetAlphaToOne = Get("set_alpha_to_one") is { } a1 ? ReadBool(a1, "set_alpha_to_one") : null,
            ClipSample = Get("clip_sample") is { } c ? ReadBool(c, "clip_sample") : null,
            ClipSampleRange = Get("clip_sample_range") is { } cr ? ReadDouble(cr, "clip_sample_range") : config.ClipSampleRange,
            TimestepSpacing = Get("timestep_spacing") is { } ts ? ParseTimestepSpacing(ReadString(ts, "timestep_spacing")) : null,
            SkipPrkSteps = Get("skip_prk_steps") is { } sk && ReadBool(sk, "skip_prk_steps"),
        };
    }

    /// <summary>Maps diffusers' prediction_type strings: "epsilon", "v_prediction", "sample".</summary>
    public static PredictionType ParsePredictionType(string value) => value switch
    {
        "epsilon" => PredictionType.Epsilon,
        "v_prediction" => PredictionType.VPrediction,
        "sample" => PredictionType.Sample,
        _ => throw new FormatException($"Unsupported prediction_type '{value}' (expected epsilon, v_prediction or sample)."),
    };

    /// <summary>Maps diffusers' beta_schedule strings.</summary>
    public static BetaSchedule ParseBetaSchedule(string value) => value switch
    {
        "linear" => BetaSchedule.Linear,
        "scaled_linear" => BetaSchedule.ScaledLinear,
        "squaredcos_cap_v2" => BetaSchedule.SquaredCosCapV2,
        _ => throw new FormatException($"Unsupported beta_schedule '{value}' (expected linear, scaled_linear or squaredcos_cap_v2)."),
    };

    /// <summary>Maps diffusers' timestep_spacing strings.</summary>
    public static TimestepSpacing ParseTimestepSpacing(string value) => value switch
    {
        "leading" => TimestepSpacing.Leading,
        "linspace" => TimestepSpacing.Linspace,
        "trailing" => TimestepSpacing.Trailing,
        _ => throw new FormatException($"Unsupported timestep_spacing '{value}' (expected leading, linspace or trailing)."),
    };

    private static JsonDocument ParseDocument(string json)
    {
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new FormatException($"scheduler_config.json is not valid JSON: {e.Message}", e);
        }
    }

    private static HashSet<string> ReadDefaultedKeys(JsonElement root)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        if (root.TryGetProperty("_use_default_values", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in list.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.String)
                {
                    keys.Add(item.GetString()!);
                }
            }
        }

        return keys;
    }

    private static int ReadInt(JsonElement value, string key) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var result)
            ? result
            : throw new FormatException($"{key} must be an integer, not {value.GetRawText()}.");

    private static double ReadDouble(JsonElement value, string key) =>
        value.ValueKind == JsonValueKind.Number
            ? value.GetDouble()
            : throw new FormatException($"{key} must be a number, not {value.GetRawText()}.");

    private static bool ReadBool(JsonElement value, string key) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw new FormatException($"{key} must be true or false, not {value.GetRawText()}."),
    };

    private static string ReadString(JsonElement value, string key) =>
        value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new FormatException($"{key} must be a string, not {value.GetRawText()}.");
}
