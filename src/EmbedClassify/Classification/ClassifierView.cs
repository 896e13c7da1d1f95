namespace EmbedClassify;

/// <summary>
/// Represents one view that a <see cref="FewShotClassifier"/> combines, and how much it counts.
/// </summary>
/// <param name="Name">The view's name: <see cref="EmbeddingName"/> or <see cref="WordsName"/>.</param>
/// <param name="Scale">
/// The factor that puts the view's raw similarities on the shared logit scale: its weight divided by the softmax
/// temperature fitted by leave-one-out on the examples. A larger factor means the view separated the examples better.
/// </param>
public readonly record struct ClassifierView(string Name, float Scale)
{
    /// <summary>The name of the embedding view (cosine similarity to each class in embedding space).</summary>
    public const string EmbeddingName = "embedding";

    /// <summary>The name of the word view (cosine similarity of TF-IDF weighted words and word pairs to each class).</summary>
    public const string WordsName = "words";
}
