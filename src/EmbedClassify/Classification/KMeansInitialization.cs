namespace EmbedClassify;

/// <summary>
/// Specifies how the <see cref="ClassificationStrategy.KMeans"/> strategy chooses its starting centers.
/// </summary>
public enum KMeansInitialization
{
    /// <summary>
    /// The classic unsupervised recipe: k-means++ seeding (reproducible for a given <see cref="FewShotClassifierOptions.Seed"/>),
    /// clusters named afterwards by the majority label of their labelled members.
    /// </summary>
    KMeansPlusPlus = 0,

    /// <summary>
    /// One cluster per class, seeded at the class centroid. Labelled examples stay in their own class's cluster, so each
    /// cluster keeps its label, while unlabelled texts move the centers toward where each class's data really lies.
    /// </summary>
    ClassCentroids = 1,
}
