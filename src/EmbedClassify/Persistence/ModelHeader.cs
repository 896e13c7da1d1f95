namespace EmbedClassify;

/// <summary>The JSON header of a model file; see <c>docs/model-format.md</c>. Every member is nullable so that a missing one is caught by validation, not defaulted.</summary>
internal sealed class ModelHeader
{
    public int? SchemaVersion { get; set; }

    public DateTime? CreatedUtc { get; set; }

    public ModelHeaderEmbedding? Embedding { get; set; }

    public ModelHeaderOptions? Options { get; set; }

    public List<string>? Labels { get; set; }

    public ModelHeaderCounts? Counts { get; set; }

    public bool? IncludesTexts { get; set; }

    public List<string>? ExampleTexts { get; set; }
}

/// <summary>The embedding model of a model file.</summary>
internal sealed class ModelHeaderEmbedding
{
    public string? Provider { get; set; }

    public string? Model { get; set; }

    public int? Dimensions { get; set; }
}

/// <summary>The classifier options of a model file.</summary>
internal sealed class ModelHeaderOptions
{
    public ClassificationStrategy? Strategy { get; set; }

    public int? Neighbors { get; set; }

    public int? Clusters { get; set; }

    public KMeansInitialization? Initialization { get; set; }

    public int? MaxIterations { get; set; }

    public bool? CenterEmbeddings { get; set; }

    public bool? DetectUnknown { get; set; }

    public string? NoneLabel { get; set; }

    public int? Seed { get; set; }

    public double? WordWeight { get; set; }

    public double? UnlabeledWeight { get; set; }

    public double? LabelDescriptionWeight { get; set; }

    public bool? LabelNamesAsDescriptions { get; set; }

    public Dictionary<string, string>? LabelDescriptions { get; set; }
}

/// <summary>The number of vectors in each array of a model file.</summary>
internal sealed class ModelHeaderCounts
{
    public int? Examples { get; set; }

    public int? Unlabeled { get; set; }

    public bool? Center { get; set; }

    public int? Prototypes { get; set; }

    public int? NoneExamples { get; set; }
}
