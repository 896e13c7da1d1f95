namespace EmbedClassify;

/// <summary>
/// Represents the settings that <c>AddEmbedClassify</c> binds from configuration, for example the
/// <c>"EmbedClassify"</c> section of <c>appsettings.json</c>.
/// </summary>
/// <remarks>
/// <para>
/// Unlike <see cref="FewShotClassifierOptions"/>, the setters accept any value, so that a bad setting is reported by
/// start-up validation with its configuration path instead of failing inside the configuration binder. The defaults
/// are those of <see cref="FewShotClassifierOptions"/> and <see cref="CachingEmbeddingGeneratorOptions"/>.
/// </para>
/// <para>Instances are not thread-safe while being modified.</para>
/// </remarks>
public sealed class EmbedClassifyOptions
{
    private static readonly FewShotClassifierOptions Defaults = new();

    /// <summary>Gets or sets the decision rule; see <see cref="FewShotClassifierOptions.Strategy"/>.</summary>
    public ClassificationStrategy Strategy { get; set; } = Defaults.Strategy;

    /// <summary>Gets or sets how many neighbours vote; see <see cref="FewShotClassifierOptions.Neighbors"/>. It must be at least 1.</summary>
    public int Neighbors { get; set; } = Defaults.Neighbors;

    /// <summary>Gets or sets the number of k-means clusters; see <see cref="FewShotClassifierOptions.Clusters"/>. It must be at least 1 when set.</summary>
    public int? Clusters { get; set; } = Defaults.Clusters;

    /// <summary>Gets or sets how k-means chooses its starting centers; see <see cref="FewShotClassifierOptions.Initialization"/>.</summary>
    public KMeansInitialization Initialization { get; set; } = Defaults.Initialization;

    /// <summary>Gets or sets the largest number of k-means iterations; see <see cref="FewShotClassifierOptions.MaxIterations"/>. It must be at least 1.</summary>
    public int MaxIterations { get; set; } = Defaults.MaxIterations;

    /// <summary>Gets or sets a value indicating whether vectors are centered; see <see cref="FewShotClassifierOptions.CenterEmbeddings"/>.</summary>
    public bool CenterEmbeddings { get; set; } = Defaults.CenterEmbeddings;

    /// <summary>Gets or sets a value indicating whether predictions flag unknown inputs; see <see cref="FewShotClassifierOptions.DetectUnknown"/>.</summary>
    public bool DetectUnknown { get; set; } = Defaults.DetectUnknown;

    /// <summary>Gets or sets the label of "none of these" examples; see <see cref="FewShotClassifierOptions.NoneLabel"/>. It must not be blank when set.</summary>
    public string? NoneLabel { get; set; } = Defaults.NoneLabel;

    /// <summary>Gets or sets the seed for random choices; see <see cref="FewShotClassifierOptions.Seed"/>.</summary>
    public int Seed { get; set; } = Defaults.Seed;

    /// <summary>Gets the settings of the embedding cache added by <c>UseConfiguredEmbeddingCache</c>.</summary>
    public EmbedClassifyCacheOptions Cache { get; } = new();

    /// <summary>
    /// Creates the classifier settings these options describe.
    /// </summary>
    /// <returns>A new <see cref="FewShotClassifierOptions"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range; start-up validation reports this earlier and more clearly.</exception>
    public FewShotClassifierOptions ToClassifierOptions() => new()
    {
        Strategy = Strategy,
        Neighbors = Neighbors,
        Clusters = Clusters,
        Initialization = Initialization,
        MaxIterations = MaxIterations,
        CenterEmbeddings = CenterEmbeddings,
        DetectUnknown = DetectUnknown,
        NoneLabel = NoneLabel,
        Seed = Seed,
    };
}
