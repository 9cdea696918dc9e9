namespace SdPortal.Inference.Schedulers;

/// <summary>A configuration with every setting decided for one scheduler class.</summary>
internal sealed record ResolvedSchedulerConfig(
    int NumTrainTimesteps,
    double BetaStart,
    double BetaEnd,
    BetaSchedule BetaSchedule,
    PredictionType PredictionType,
    int StepsOffset,
    bool SetAlphaToOne,
    bool ClipSample,
    double ClipSampleRange,
    TimestepSpacing TimestepSpacing,
    bool SkipPrkSteps);
