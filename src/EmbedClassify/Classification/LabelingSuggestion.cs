namespace EmbedClassify;

/// <summary>
/// Represents a text worth labelling next, with why: returned by <see cref="FewShotClassifier.SuggestExamplesToLabel"/>.
/// </summary>
/// <param name="Index">The text's position in the pool that was given.</param>
/// <param name="Text">The text.</param>
/// <param name="Reason">Whether it was chosen mostly for the classifier's uncertainty or for being far from every labelled example.</param>
/// <param name="Label">The class the classifier predicts for it now.</param>
/// <param name="RunnerUp">The second most probable class.</param>
/// <param name="Margin">The calibrated probability of <paramref name="Label"/> minus that of <paramref name="RunnerUp"/>, from 0 (a tie) to 1.</param>
/// <param name="Entropy">The entropy of the calibrated probabilities divided by its largest value (the logarithm of the class count), from 0 (certain) to 1 (uniform).</param>
/// <param name="Distance">
/// One minus the cosine, in the embedding view's (centered) space, to the nearest labelled example (or, for a class
/// that rests on its description, the description): 0 for a text like an example, about 1 for one unrelated to all.
/// </param>
public readonly record struct LabelingSuggestion(
    int Index,
    string Text,
    SuggestionReason Reason,
    string Label,
    string RunnerUp,
    float Margin,
    float Entropy,
    float Distance);
