using EmbedClassify.Cli.Embedding;

namespace EmbedClassify.Cli.Arguments;

/// <summary>
/// <c>--model</c>, the embedding model(s) of the commands that fit a classifier from data; commands that load a saved
/// classifier take them from its file instead.
/// </summary>
internal static class ModelArguments
{
    public const string Option = "--model";

    /// <summary>The default, the built-in model: what every command embedded with before there was a choice.</summary>
    public const string DefaultValue = "minilm";

    public const string Help = """
          --model <name>        the embedding model: minilm (all-MiniLM-L6-v2, the default), arctic-xs
                                (snowflake-arctic-embed-xs) or minilm+arctic-xs (both, one view each: every text is
                                embedded by both models, so embedding takes about twice as long); 'predict' and
                                'suggest' read it from the model file
        """;

    // The pair is one order only: a saved classifier loads with its models in the order it was fitted with, and one
    // spelling per classifier keeps the cache and the files from holding two kinds of the same pair.
    private static readonly (string Value, LocalModel[] Models)[] Choices =
    [
        (DefaultValue, [LocalModel.MiniLM]),
        ("arctic-xs", [LocalModel.ArcticXs]),
        ("minilm+arctic-xs", [LocalModel.MiniLM, LocalModel.ArcticXs]),
    ];

    /// <summary>The accepted values, for messages.</summary>
    public static string AcceptedValues => string.Join(", ", Choices.Select(c => c.Value));

    /// <summary>The models <c>--model</c> names, in view order: the built-in model alone without it.</summary>
    /// <exception cref="UsageException">The value is not one of <see cref="AcceptedValues"/>.</exception>
    public static IReadOnlyList<LocalModel> Parse(string command, ParsedArguments args)
    {
        string value = args.Value(Option) ?? DefaultValue;
        foreach ((string name, LocalModel[] models) in Choices)
        {
            if (string.Equals(name, value, StringComparison.OrdinalIgnoreCase))
            {
                return models;
            }
        }

        throw new UsageException($"{command}: unknown {Option} '{value}'; use {AcceptedValues}.");
    }

    /// <summary>Refuses a <c>--model</c> other than the built-in model: fine-tuning starts from that model only.</summary>
    /// <exception cref="UsageException"><paramref name="models"/> is not the built-in model alone.</exception>
    public static void RequireDefaultForFineTuning(string command, ParsedArguments args, IReadOnlyList<LocalModel> models)
    {
        if (models is not [var only] || only != LocalModel.MiniLM)
        {
            throw new UsageException(
                $"{command}: {FineTuneArguments.Flag} tunes the built-in model ({DefaultValue}) only; leave out {Option} {args.Value(Option)}.");
        }
    }
}
