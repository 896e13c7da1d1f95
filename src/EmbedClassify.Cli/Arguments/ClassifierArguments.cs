namespace EmbedClassify.Cli.Arguments;

/// <summary>The classifier options shared by <c>train</c> and <c>eval</c>.</summary>
internal static class ClassifierArguments
{
    public static readonly string[] ValueOptions = ["--strategy", "--neighbors", "--clusters"];

    public static readonly string[] Flags = ["--center", "--detect-unknown"];

    public const string Help = """
          --strategy <name>     auto (default), centroid, kmeans or knn
          --neighbors <k>       neighbours for knn (default 3)
          --clusters <k>        centres per class for kmeans (default: chosen from the data)
          --center              subtract the mean embedding before fitting (helps when all texts look alike)
          --detect-unknown      flag texts unlike every class ("unknown": true in predictions)
        """;

    public static FewShotClassifierOptions Parse(string command, ParsedArguments args)
    {
        var options = new FewShotClassifierOptions
        {
            Strategy = ParseStrategy(command, args.Value("--strategy")),
            CenterEmbeddings = args.Flag("--center"),
            DetectUnknown = args.Flag("--detect-unknown"),
        };
        if (args.Value("--neighbors") is not null)
        {
            options.Neighbors = args.Int("--neighbors", options.Neighbors, 1);
        }

        if (args.Value("--clusters") is not null)
        {
            options.Clusters = args.Int("--clusters", 1, 1);
        }

        return options;
    }

    private static ClassificationStrategy ParseStrategy(string command, string? name) => name?.ToUpperInvariant() switch
    {
        null or "AUTO" => ClassificationStrategy.Auto,
        "CENTROID" or "NEARESTCENTROID" => ClassificationStrategy.NearestCentroid,
        "KMEANS" => ClassificationStrategy.KMeans,
        "KNN" or "KNEARESTNEIGHBORS" => ClassificationStrategy.KNearestNeighbors,
        _ => throw new UsageException($"{command}: unknown --strategy '{name}'; use auto, centroid, kmeans or knn."),
    };
}
