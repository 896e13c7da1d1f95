using System.Diagnostics;
using Microsoft.Extensions.AI;

namespace EmbedClassify;

/// <summary>
/// Represents a text classifier built from a few labelled examples per class: it embeds text with an
/// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> and classifies the vectors with an <see cref="EmbeddingClassifier"/>.
/// </summary>
/// <remarks>
/// Instances are immutable and thread-safe as long as the generator is. Each distinct text in one call is sent to the
/// generator once; put a caching generator in front of a paid provider so that texts are never paid for twice across calls.
/// Creation and predictions are traced and counted under the names in <see cref="EmbedClassifyTelemetry"/>.
/// </remarks>
public sealed class FewShotClassifier
{
    /// <summary>
    /// Initializes a new instance of the <see cref="FewShotClassifier"/> class from a fitted model, for example one loaded
    /// from storage, and the generator that produced its vectors.
    /// </summary>
    /// <param name="generator">The generator that embeds texts to classify; it must be the model the classifier was fitted with.</param>
    /// <param name="model">The fitted classifier.</param>
    /// <param name="exampleTexts">
    /// The texts of the model's examples in fitting order, so that <see cref="NearestExamplesAsync"/> can show them, or
    /// <see langword="null"/> when they are not kept (a model saved without its training text, for privacy).
    /// </param>
    /// <exception cref="ArgumentNullException"><paramref name="generator"/> or <paramref name="model"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="exampleTexts"/> does not hold one text per example.</exception>
    public FewShotClassifier(IEmbeddingGenerator<string, Embedding<float>> generator, EmbeddingClassifier model, IReadOnlyList<string>? exampleTexts = null)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(model);
        if (exampleTexts is not null && exampleTexts.Count != model.ExampleCount)
        {
            throw new ArgumentException(
                $"There are {exampleTexts.Count} example texts for a model fitted on {model.ExampleCount} examples.", nameof(exampleTexts));
        }

        Generator = generator;
        Model = model;
        ExampleTexts = exampleTexts is null ? null : [.. exampleTexts];
    }

    /// <summary>Gets the generator that embeds texts.</summary>
    public IEmbeddingGenerator<string, Embedding<float>> Generator { get; }

    /// <summary>Gets the fitted classifier in embedding space.</summary>
    public EmbeddingClassifier Model { get; }

    /// <summary>Gets the class labels, in the order in which they first appeared among the examples.</summary>
    public IReadOnlyList<string> Labels => Model.Labels;

    /// <summary>Gets the texts of the model's examples in fitting order, or <see langword="null"/> when they are not kept.</summary>
    public IReadOnlyList<string>? ExampleTexts { get; }

    /// <summary>
    /// Embeds labelled examples and fits a classifier to them.
    /// </summary>
    /// <param name="generator">The embedding generator.</param>
    /// <param name="examples">The labelled texts: at least one, with at least two distinct labels.</param>
    /// <param name="options">The settings, or <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The fitted classifier.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="generator"/> or <paramref name="examples"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="examples"/> is empty, has fewer than two distinct labels, or holds a null or blank text or label.
    /// These are checked before anything is sent to the generator.
    /// </exception>
    /// <exception cref="InvalidOperationException">The generator returned the wrong number of vectors, or vectors that are empty, all zeros, non-finite or of different lengths.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public static Task<FewShotClassifier> CreateAsync(
        IEmbeddingGenerator<string, Embedding<float>> generator,
        IEnumerable<LabeledExample> examples,
        FewShotClassifierOptions? options = null,
        CancellationToken cancellationToken = default) =>
        CreateAsync(generator, examples, [], options, cancellationToken);

    /// <summary>
    /// Embeds labelled examples and unlabelled texts and fits a classifier to them; the unlabelled texts let the
    /// <see cref="ClassificationStrategy.KMeans"/> strategy place its clusters where the data really lies.
    /// </summary>
    /// <param name="generator">The embedding generator.</param>
    /// <param name="examples">The labelled texts: at least one, with at least two distinct labels.</param>
    /// <param name="unlabeledTexts">Texts without labels (for example the batch about to be classified); may be empty.</param>
    /// <param name="options">The settings, or <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The fitted classifier.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="generator"/>, <paramref name="examples"/> or <paramref name="unlabeledTexts"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// An argument is invalid as in <see cref="CreateAsync(IEmbeddingGenerator{string, Embedding{float}}, IEnumerable{LabeledExample}, FewShotClassifierOptions?, CancellationToken)"/>,
    /// an unlabelled text is null or blank, or unlabelled texts were given to a strategy other than k-means.
    /// </exception>
    /// <exception cref="InvalidOperationException">The generator returned the wrong number of vectors, or vectors that are empty, all zeros, non-finite or of different lengths.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public static async Task<FewShotClassifier> CreateAsync(
        IEmbeddingGenerator<string, Embedding<float>> generator,
        IEnumerable<LabeledExample> examples,
        IEnumerable<string> unlabeledTexts,
        FewShotClassifierOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(unlabeledTexts);
        LabeledExample[] exampleList = [.. examples];
        string[] unlabeledList = [.. unlabeledTexts];
        ValidateExamples(exampleList, requireTwoClasses: true, options?.NoneLabel);
        TextBatch.Validate(unlabeledList, nameof(unlabeledTexts));
        if (unlabeledList.Length > 0 && (options?.Strategy ?? ClassificationStrategy.NearestCentroid) is not (ClassificationStrategy.KMeans or ClassificationStrategy.Auto))
        {
            throw new ArgumentException(
                $"Unlabelled texts are used only by the {nameof(ClassificationStrategy.KMeans)} and {nameof(ClassificationStrategy.Auto)} strategies.",
                nameof(unlabeledTexts));
        }

        using Activity? activity = Instrumentation.Source.StartActivity(EmbedClassifyTelemetry.CreateActivityName);
        activity?.SetTag(EmbedClassifyTelemetry.ExampleCountTagName, exampleList.Length);
        activity?.SetTag(EmbedClassifyTelemetry.BatchSizeTagName, exampleList.Length + unlabeledList.Length);
        try
        {
            string[] allTexts = [.. exampleList.Select(e => e.Text), .. unlabeledList];
            ReadOnlyMemory<float>[] vectors = await TextBatch.EmbedAsync(generator, allTexts, expectedDimensions: null, cancellationToken).ConfigureAwait(false);
            EmbeddingClassifier model = EmbeddingClassifier.Fit(
                exampleList.Select((e, i) => new LabeledEmbedding(e.Label, vectors[i])),
                vectors.Skip(exampleList.Length),
                options);

            // The fitted strategy, not the requested one: Auto reports the rule it picked.
            activity?.SetTag(EmbedClassifyTelemetry.StrategyTagName, Instrumentation.StrategyName(model.Strategy));
            activity?.SetTag(EmbedClassifyTelemetry.ClassCountTagName, model.Labels.Count);
            return new FewShotClassifier(generator, model, ClassTexts(exampleList, options?.NoneLabel));
        }
        catch (Exception ex)
        {
            Instrumentation.RecordError(activity, ex);
            throw;
        }
    }

    /// <summary>
    /// Returns a classifier that also knows <paramref name="examples"/>. Only the new texts are embedded; the vectors of
    /// the existing examples are reused.
    /// </summary>
    /// <param name="examples">The labelled texts to add; they may bring new labels.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A new classifier; this instance is unchanged.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="examples"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An example has a null or blank text or label.</exception>
    /// <exception cref="InvalidOperationException">The generator returned unusable vectors, or vectors of a length other than <see cref="EmbeddingClassifier.Dimensions"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public async Task<FewShotClassifier> AddExamplesAsync(IEnumerable<LabeledExample> examples, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(examples);
        LabeledExample[] exampleList = [.. examples];
        ValidateExamples(exampleList, requireTwoClasses: false, noneLabel: null);
        if (exampleList.Length == 0)
        {
            return this;
        }

        ReadOnlyMemory<float>[] vectors = await TextBatch.EmbedAsync(
            Generator, [.. exampleList.Select(e => e.Text)], Model.Dimensions, cancellationToken).ConfigureAwait(false);
        EmbeddingClassifier model = Model.WithExamples(exampleList.Select((e, i) => new LabeledEmbedding(e.Label, vectors[i])));
        return new FewShotClassifier(Generator, model, ExampleTexts is null ? null : [.. ExampleTexts, .. ClassTexts(exampleList, model.Options.NoneLabel)]);
    }

    /// <summary>
    /// Classifies one text.
    /// </summary>
    /// <param name="text">The text to classify.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The predicted label, its score and every class's score.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="text"/> is empty or white space.</exception>
    /// <exception cref="InvalidOperationException">The generator returned an unusable vector or one of a length other than <see cref="EmbeddingClassifier.Dimensions"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public async Task<Prediction> PredictAsync(string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        using Activity? activity = StartPredictionActivity(EmbedClassifyTelemetry.PredictActivityName, 1);
        try
        {
            ReadOnlyMemory<float>[] vectors = await TextBatch.EmbedAsync(Generator, [text], Model.Dimensions, cancellationToken).ConfigureAwait(false);
            Prediction prediction = Model.Predict(vectors[0].Span);
            CountPredictions(1);
            return prediction;
        }
        catch (Exception ex)
        {
            Instrumentation.RecordError(activity, ex);
            throw;
        }
    }

    /// <summary>
    /// Classifies many texts with one call to the generator (repeated texts are embedded once).
    /// </summary>
    /// <param name="texts">The texts to classify.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>One prediction per text, in input order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="texts"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A text is null, empty or white space; the message gives its index.</exception>
    /// <exception cref="InvalidOperationException">The generator returned the wrong number of vectors or unusable ones.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public async Task<IReadOnlyList<Prediction>> PredictBatchAsync(IEnumerable<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        string[] textList = [.. texts];
        TextBatch.Validate(textList, nameof(texts));
        using Activity? activity = StartPredictionActivity(EmbedClassifyTelemetry.PredictBatchActivityName, textList.Length);
        try
        {
            ReadOnlyMemory<float>[] vectors = await TextBatch.EmbedAsync(Generator, textList, Model.Dimensions, cancellationToken).ConfigureAwait(false);
            var predictions = new Prediction[vectors.Length];
            for (int i = 0; i < vectors.Length; i++)
            {
                predictions[i] = Model.Predict(vectors[i].Span);
            }

            CountPredictions(predictions.Length);
            return predictions;
        }
        catch (Exception ex)
        {
            Instrumentation.RecordError(activity, ex);
            throw;
        }
    }

    /// <summary>
    /// Classifies one text and returns every class's calibrated probability (see <see cref="EmbeddingClassifier.Temperature"/>).
    /// </summary>
    /// <param name="text">The text to classify.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>One probability per class, in <see cref="Labels"/> order; they sum to 1.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="text"/> is empty or white space.</exception>
    /// <exception cref="InvalidOperationException">The generator returned an unusable vector.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public async Task<IReadOnlyList<ClassScore>> PredictProbabilitiesAsync(string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        ReadOnlyMemory<float>[] vectors = await TextBatch.EmbedAsync(Generator, [text], Model.Dimensions, cancellationToken).ConfigureAwait(false);
        return Model.PredictProbabilities(vectors[0].Span);
    }

    /// <summary>
    /// Returns the labelled examples most similar to a text, most similar first, with their texts when they are kept:
    /// the evidence behind a prediction.
    /// </summary>
    /// <param name="text">The text to explain.</param>
    /// <param name="count">How many examples to return at most.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The nearest examples.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="text"/> is empty or white space.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is less than 1.</exception>
    /// <exception cref="InvalidOperationException">The generator returned an unusable vector.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public async Task<IReadOnlyList<NearestExample>> NearestExamplesAsync(string text, int count = 3, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ReadOnlyMemory<float>[] vectors = await TextBatch.EmbedAsync(Generator, [text], Model.Dimensions, cancellationToken).ConfigureAwait(false);
        return [.. Model.NearestExamples(vectors[0].Span, count).Select(n => n with { Text = ExampleTexts?[n.Index] })];
    }

    private Activity? StartPredictionActivity(string name, int batchSize)
    {
        Activity? activity = Instrumentation.Source.StartActivity(name);
        if (activity is not null)
        {
            activity.SetTag(EmbedClassifyTelemetry.StrategyTagName, Instrumentation.StrategyName(Model.Strategy));
            activity.SetTag(EmbedClassifyTelemetry.ClassCountTagName, Model.Labels.Count);
            activity.SetTag(EmbedClassifyTelemetry.BatchSizeTagName, batchSize);
        }

        return activity;
    }

    private void CountPredictions(int count)
    {
        if (Instrumentation.Predictions.Enabled)
        {
            Instrumentation.Predictions.Add(count, new KeyValuePair<string, object?>(EmbedClassifyTelemetry.StrategyTagName, Instrumentation.StrategyName(Model.Strategy)));
        }
    }

    private static string[] ClassTexts(LabeledExample[] examples, string? noneLabel) =>
        [.. examples.Where(e => noneLabel is null || e.Label != noneLabel).Select(e => e.Text)];

    /// <summary>Checks texts and labels (and, when asked, that two real classes remain) before anything is embedded.</summary>
    internal static void ValidateExamples(LabeledExample[] examples, bool requireTwoClasses, string? noneLabel)
    {
        if (requireTwoClasses && examples.Length == 0)
        {
            throw new ArgumentException("At least one example is required.", nameof(examples));
        }

        var labels = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < examples.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(examples[i].Text))
            {
                throw new ArgumentException(
                    $"examples[{i}] has a {(examples[i].Text is null ? "null" : "blank")} text; every example needs text to embed.",
                    nameof(examples));
            }

            string? label = examples[i].Label;
            if (string.IsNullOrWhiteSpace(label))
            {
                throw new ArgumentException(
                    $"examples[{i}] has a {(label is null ? "null" : "blank")} label; every example needs a label.",
                    nameof(examples));
            }

            if (label != noneLabel)
            {
                labels.Add(label);
            }
        }

        if (requireTwoClasses && labels.Count < 2)
        {
            throw new ArgumentException(
                labels.Count == 0
                    ? "There are no examples of a real class; a classifier needs examples of at least two classes."
                    : $"Every example has the label '{labels.First()}'; a classifier needs examples of at least two classes.",
                nameof(examples));
        }
    }
}
