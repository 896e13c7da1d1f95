namespace EmbedClassify;

/// <summary>Specifies why <see cref="FewShotClassifier.SuggestExamplesToLabel"/> suggests a text.</summary>
public enum SuggestionReason
{
    /// <summary>The classifier is torn between its two most probable classes (<see cref="LabelingSuggestion.Margin"/> is below 0.5).</summary>
    Uncertain,

    /// <summary>The text lies in a region of the pool far from every labelled example, and the classifier leans one way (a margin of 0.5 or more) without evidence near it.</summary>
    Uncovered,
}
