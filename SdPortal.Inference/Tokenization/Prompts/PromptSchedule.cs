using System.Text;

namespace SdPortal.Inference.Tokenization.Prompts;

/// <summary>
/// A1111's prompt editing and alternation (<c>get_learned_conditioning_prompt_schedules</c>, without hires fix): the
/// distinct prompts a job's steps see and the last step of each. <c>[from:to:when]</c> reads "from" up to step
/// <c>when</c> and "to" after it; <c>[to:when]</c> and <c>[from::when]</c> leave one side empty; <c>when</c> with a
/// decimal point is a fraction of the steps, without one a step number; <c>[a|b]</c> switches every step.
/// </summary>
public static class PromptSchedule
{
    /// <summary>
    /// The schedule of <paramref name="prompt"/> over <paramref name="steps"/> steps, ordered by step; the last entry
    /// always ends at <paramref name="steps"/>. A prompt the grammar rejects is one entry, unchanged.
    /// </summary>
    public static IReadOnlyList<ScheduledPrompt> Build(string prompt, int steps)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        if (PromptScheduleParser.Parse(prompt) is not { } tree)
        {
            return [new ScheduledPrompt(steps, prompt)];
        }

        var ends = new SortedSet<int> { steps };
        tree.CollectSteps(ends, steps);
        var schedule = new List<ScheduledPrompt>(ends.Count);
        var text = new StringBuilder(prompt.Length);
        foreach (var end in ends)
        {
            text.Clear();
            tree.Write(text, end, steps);
            schedule.Add(new ScheduledPrompt(end, text.ToString()));
        }

        return schedule;
    }

    /// <summary>
    /// Which entry conditions model call <paramref name="call"/> (0-based): the first whose end is at or after it, as
    /// the reference's <c>reconstruct_cond_batch</c> compares its 0-based step counter with the 1-based ends (so the
    /// first entry also covers the call numbered by its end). Calls past the last end keep the last entry.
    /// </summary>
    public static int EntryAt(IReadOnlyList<ScheduledPrompt> schedule, int call)
    {
        for (var i = 0; i < schedule.Count; i++)
        {
            if (call <= schedule[i].EndAtStep)
            {
                return i;
            }
        }

        return schedule.Count - 1;
    }
}
