namespace EmbedClassify;

/// <summary>Specifies why <see cref="FewShotClassifier.SuggestExamplesToLabel"/> suggests a text.</summary>
public enum SuggestionReason
{
    /// <summary>The classifier is torn between its two most probable classes (<see cref="LabelingSuggestion.Margin"/> is small).</summary>
    Uncertain,

    /// <summary>The text lies in a region of the pool far from every labelled example (<see cref="LabelingSuggestion.Distance"/> is large).</summary>
    Uncovered,
}
