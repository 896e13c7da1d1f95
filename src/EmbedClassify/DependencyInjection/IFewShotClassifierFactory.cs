namespace EmbedClassify;

/// <summary>
/// Creates <see cref="FewShotClassifier"/> instances with the embedding generator and settings registered in a service
/// provider by <c>AddEmbedClassify</c>.
/// </summary>
public interface IFewShotClassifierFactory
{
    /// <summary>
    /// Embeds labelled examples and fits a classifier to them with the configured settings.
    /// </summary>
    /// <param name="examples">The labelled texts: at least one, with at least two distinct labels.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The fitted classifier.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="examples"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="examples"/> is invalid, as for <see cref="FewShotClassifier.CreateAsync(Microsoft.Extensions.AI.IEmbeddingGenerator{string, Microsoft.Extensions.AI.Embedding{float}}, IEnumerable{LabeledExample}, FewShotClassifierOptions?, CancellationToken)"/>.</exception>
    /// <exception cref="InvalidOperationException">The generator returned unusable vectors.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    Task<FewShotClassifier> CreateAsync(IEnumerable<LabeledExample> examples, CancellationToken cancellationToken = default);

    /// <summary>
    /// Embeds labelled examples and unlabelled texts and fits a classifier to them with the configured settings.
    /// </summary>
    /// <param name="examples">The labelled texts: at least one, with at least two distinct labels.</param>
    /// <param name="unlabeledTexts">Texts without labels, used by the k-means and automatic strategies; may be empty.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The fitted classifier.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="examples"/> or <paramref name="unlabeledTexts"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An argument is invalid, as for <see cref="FewShotClassifier.CreateAsync(Microsoft.Extensions.AI.IEmbeddingGenerator{string, Microsoft.Extensions.AI.Embedding{float}}, IEnumerable{LabeledExample}, IEnumerable{string}, FewShotClassifierOptions?, CancellationToken)"/>.</exception>
    /// <exception cref="InvalidOperationException">The generator returned unusable vectors.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    Task<FewShotClassifier> CreateAsync(IEnumerable<LabeledExample> examples, IEnumerable<string> unlabeledTexts, CancellationToken cancellationToken = default);
}
