using System.Diagnostics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EmbedClassify;

/// <summary>
/// Creates <see cref="FewShotClassifier"/> instances from an embedding generator and the current
/// <see cref="FewShotClassifierOptions"/>; the implementation of <see cref="IFewShotClassifierFactory"/> that
/// <c>AddEmbedClassify</c> registers.
/// </summary>
/// <remarks>
/// Each call reads the options anew, so a reloaded configuration applies to classifiers created afterwards. This type
/// is thread-safe if the generator is.
/// </remarks>
public sealed partial class FewShotClassifierFactory : IFewShotClassifierFactory
{
    private readonly IEmbeddingGenerator<string, Embedding<float>> _generator;
    private readonly IOptionsMonitor<FewShotClassifierOptions> _options;
    private readonly ILogger _logger;

    /// <summary>
    /// Initializes a new instance of the <see cref="FewShotClassifierFactory"/> class.
    /// </summary>
    /// <param name="generator">The generator that embeds examples and, later, the texts to classify.</param>
    /// <param name="options">The settings.</param>
    /// <param name="logger">The logger that receives a summary of each classifier created, or <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="generator"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    public FewShotClassifierFactory(
        IEmbeddingGenerator<string, Embedding<float>> generator,
        IOptionsMonitor<FewShotClassifierOptions> options,
        ILogger<FewShotClassifierFactory>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(options);
        _generator = generator;
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <inheritdoc/>
    public Task<FewShotClassifier> CreateAsync(IEnumerable<LabeledExample> examples, CancellationToken cancellationToken = default) =>
        CreateAsync(examples, [], cancellationToken);

    /// <inheritdoc/>
    /// <exception cref="OptionsValidationException">The options have become invalid since start-up, for example after a configuration reload.</exception>
    public async Task<FewShotClassifier> CreateAsync(
        IEnumerable<LabeledExample> examples,
        IEnumerable<string> unlabeledTexts,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(unlabeledTexts);
        FewShotClassifierOptions options = _options.CurrentValue.Clone();
        long started = Stopwatch.GetTimestamp();
        FewShotClassifier classifier = await FewShotClassifier.CreateAsync(_generator, examples, unlabeledTexts, options, cancellationToken)
            .ConfigureAwait(false);
        Log.Created(
            _logger,
            Instrumentation.StrategyName(classifier.Model.Strategy),
            classifier.Labels.Count,
            classifier.Model.ExampleCount,
            Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return classifier;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Created a {Strategy} classifier with {ClassCount} classes from {ExampleCount} examples in {ElapsedMilliseconds:F0} ms.")]
        public static partial void Created(ILogger logger, string strategy, int classCount, int exampleCount, double elapsedMilliseconds);
    }
}
