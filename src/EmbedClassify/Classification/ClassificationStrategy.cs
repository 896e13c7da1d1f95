namespace EmbedClassify;

/// <summary>
/// Specifies how an <see cref="EmbeddingClassifier"/> turns labelled embeddings into a decision rule.
/// </summary>
public enum ClassificationStrategy
{
    /// <summary>
    /// Each class is the normalized mean of its normalized examples; the input goes to the class with the highest cosine.
    /// A class score is the cosine between the input and the class centroid.
    /// </summary>
    NearestCentroid = 0,

    /// <summary>
    /// Spherical k-means over the examples (and any unlabelled texts), each cluster named after its members' majority label;
    /// the input goes to the label of its nearest cluster. A class score is the highest cosine between the input and any
    /// cluster named after that class, or -1 when no cluster carries that class.
    /// </summary>
    KMeans = 1,

    /// <summary>
    /// The <see cref="FewShotClassifierOptions.Neighbors"/> most similar examples vote; ties go to the class whose voters
    /// have the higher summed cosine, then to the class seen first. A class score is the cosine between the input and that
    /// class's most similar example.
    /// </summary>
    KNearestNeighbors = 2,

    /// <summary>
    /// Picks, by leave-one-out accuracy on the examples, among nearest centroid (plain and centered), kNN and — when
    /// unlabelled vectors are given — k-means seeded from class centroids (plain and centered); ties go to the simpler
    /// rule, in that order. The fitted classifier reports the rule it picked in <see cref="EmbeddingClassifier.Strategy"/>.
    /// </summary>
    Auto = 3,
}
