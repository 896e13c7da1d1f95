namespace EmbedClassify.Cli.Arguments;

/// <summary>The classifier options shared by <c>train</c> and <c>eval</c>.</summary>
internal static class ClassifierArguments
{
    public static readonly string[] ValueOptions = ["--strategy", "--neighbors", "--clusters", "--word-weight", "--none-label", "--describe"];

    public static readonly string[] Flags = ["--no-center", "--detect-unknown", "--no-label-names"];

    public const string Help = """
          --strategy <name>     embedding view: centroid (default), knn, kmeans or auto (picked by leave-one-out)
          --neighbors <k>       neighbours for knn (default 3)
          --clusters <k>        k-means clusters (default: one per class)
          --no-center           compare raw embeddings instead of subtracting the examples' mean (centering is the default)
          --word-weight <w>     weight of the word view (TF-IDF words and word pairs; default 1, 0 turns it off)
          --no-label-names      do not use labels that read as words as descriptions of their classes
          --describe <file>     label descriptions, in the data format: each row's text describes its label
          --none-label <label>  examples with this label are "none of these" texts, used only for --detect-unknown
          --detect-unknown      flag texts unlike every class ("unknown": true in predictions)
        """;

    public static FewShotClassifierOptions Parse(string command, ParsedArguments args)
    {
        var options = new FewShotClassifierOptions
        {
            Strategy = ParseStrategy(command, args.Value("--strategy")),
            CenterEmbeddings = !args.Flag("--no-center"),
            DetectUnknown = args.Flag("--detect-unknown"),
            LabelNamesAsDescriptions = !args.Flag("--no-label-names"),
            NoneLabel = args.Value("--none-label"),
        };
        if (args.Value("--neighbors") is not null)
        {
            options.Neighbors = args.Int("--neighbors", options.Neighbors, 1);
        }

        if (args.Value("--clusters") is not null)
        {
            options.Clusters = args.Int("--clusters", 1, 1);
        }

        if (args.Value("--word-weight") is { } weight)
        {
            options.WordWeight = double.TryParse(weight, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double w) && double.IsFinite(w) && w >= 0
                ? w
                : throw new UsageException($"{command}: --word-weight must be a number of at least 0, not '{weight}'.");
        }

        if (args.Value("--describe") is { } descriptions)
        {
            Data.InputFiles.RequireExists(descriptions);
            foreach ((string label, string description) in Data.DatasetReader.ReadDescriptions(descriptions))
            {
                options.LabelDescriptions[label] = description;
            }
        }

        // One validator for the library and the tool: a bad combination is reported here with the library's words.
        Microsoft.Extensions.Options.ValidateOptionsResult result = new FewShotClassifierOptionsValidator().Validate(null, options);
        return result.Failed ? throw new UsageException($"{command}: {result.FailureMessage}") : options;
    }

    private static ClassificationStrategy ParseStrategy(string command, string? name) => name?.ToUpperInvariant() switch
    {
        null or "CENTROID" or "NEARESTCENTROID" => ClassificationStrategy.NearestCentroid,
        "AUTO" => ClassificationStrategy.Auto,
        "KMEANS" => ClassificationStrategy.KMeans,
        "KNN" or "KNEARESTNEIGHBORS" => ClassificationStrategy.KNearestNeighbors,
        _ => throw new UsageException($"{command}: unknown --strategy '{name}'; use centroid, knn, kmeans or auto."),
    };
}
