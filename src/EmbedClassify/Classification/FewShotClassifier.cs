using System.Diagnostics;
using Microsoft.Extensions.AI;

namespace EmbedClassify;

/// <summary>
/// Represents a text classifier built from a few labelled examples per class. It combines independent views of a text
/// — its embedding (an <see cref="EmbeddingClassifier"/>: nearest centroid, centered, by default), its words (TF-IDF
/// weighted words and word pairs, nearest centroid) and, when given, what each label means — and reports one
/// calibrated probability per class.
/// </summary>
/// <remarks>
/// <para>
/// Each view's class similarities are on their own scale, so each is divided by its own softmax temperature, fitted by
/// leave-one-out on the examples, before they are added; a view that cannot tell the examples apart gets little say.
/// One more temperature, fitted on the same held-out examples, turns the sum into the probabilities every
/// <see cref="Prediction"/> carries, so a threshold means the same thing whatever the provider or the views.
/// <see cref="ExplainAsync"/> shows the raw similarities behind a prediction.
/// </para>
/// <para>
/// Given unlabelled texts (for example the batch about to be classified), the classifier refines its class centroids on
/// them; see <see cref="CreateAsync(IEmbeddingGenerator{string, Embedding{float}}, IEnumerable{LabeledExample}, IEnumerable{string}, FewShotClassifierOptions?, CancellationToken)"/>.
/// </para>
/// <para>
/// Instances are immutable and thread-safe as long as the generator is. Each distinct text in one call is sent to the
/// generator once; put a caching generator in front of a paid provider so that texts are never paid for twice across
/// calls. Creation and predictions are traced and counted under the names in <see cref="EmbedClassifyTelemetry"/>.
/// </para>
/// </remarks>
public sealed partial class FewShotClassifier
{
    private readonly EmbeddingClassifier _embedding;
    private readonly EmbeddingClassifier[] _extraViews;
    private readonly int[] _viewOffsets;
    private readonly WordView? _words;
    private readonly FewShotClassifierOptions _options;
    private readonly Calibration _calibration;
    private readonly TrainingMemory _memory;

    /// <summary>
    /// Initializes a new instance of the <see cref="FewShotClassifier"/> class from a fitted embedding classifier, for
    /// example one fitted on vectors you already have, and the generator that produced its vectors. The classifier has the
    /// embedding view only (no word view: it has no texts to fit one on); its probabilities are calibrated by
    /// leave-one-out on the model's examples.
    /// </summary>
    /// <param name="generator">The generator that embeds texts to classify; it must be the model the classifier was fitted with.</param>
    /// <param name="model">The fitted classifier.</param>
    /// <param name="exampleTexts">
    /// The texts of the model's examples in fitting order, so that <see cref="NearestExamplesAsync"/> can show them, or
    /// <see langword="null"/> when they are not kept (a model saved without its training text, for privacy).
    /// </param>
    /// <exception cref="ArgumentNullException"><paramref name="generator"/> or <paramref name="model"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="generator"/> combines several models (a <see cref="MultiViewEmbeddingGenerator"/>), whose vectors
    /// one fitted model cannot have been fitted on; or <paramref name="exampleTexts"/> does not hold one text per example, or holds a null, empty or white-space text or
    /// one with an unpaired surrogate (which a saved model could not keep).
    /// </exception>
    public FewShotClassifier(IEmbeddingGenerator<string, Embedding<float>> generator, EmbeddingClassifier model, IReadOnlyList<string>? exampleTexts = null)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(model);
        if (generator.GetService<MultiViewEmbeddingGenerator>() is not null)
        {
            throw new ArgumentException(
                "The generator combines several models, but the model was fitted on one; create the classifier with CreateAsync to fit a view per model.",
                nameof(generator));
        }

        if (exampleTexts is not null && exampleTexts.Count != model.ExampleCount)
        {
            throw new ArgumentException(
                $"There are {exampleTexts.Count} example texts for a model fitted on {model.ExampleCount} examples.", nameof(exampleTexts));
        }

        for (int i = 0; i < (exampleTexts?.Count ?? 0); i++)
        {
            // What a model file refuses to load, so that SaveAsync(includeTexts: true) cannot write a file that LoadAsync refuses.
            string text = exampleTexts![i];
            if (string.IsNullOrWhiteSpace(text))
            {
                throw new ArgumentException($"exampleTexts[{i}] is {(text is null ? "null" : "blank")}; every example needs its text.", nameof(exampleTexts));
            }

            TextContent.ThrowIfLoneSurrogate(text, $"exampleTexts[{i}]", nameof(exampleTexts));
        }

        Generator = generator;
        _embedding = model;
        _extraViews = [];
        _viewOffsets = [0, model.Dimensions];
        _words = null;
        _options = model.Options;
        _options.WordWeight = 0;
        _options.LabelNamesAsDescriptions = false;
        _memory = new TrainingMemory(exampleTexts is null ? null : [.. exampleTexts], null, [], null, [], []);
        _calibration = Calibrate(model, _options);
    }

    private FewShotClassifier(
        IEmbeddingGenerator<string, Embedding<float>> generator,
        EmbeddingClassifier embedding,
        EmbeddingClassifier[] extraViews,
        WordView? words,
        FewShotClassifierOptions options,
        Calibration calibration,
        TrainingMemory memory)
    {
        Generator = generator;
        _embedding = embedding;
        _extraViews = extraViews;
        _viewOffsets = OffsetsOf(embedding, extraViews);
        _words = words;
        _options = options;
        _calibration = calibration;
        _memory = memory;
    }

    /// <summary>Gets the generator that embeds texts.</summary>
    public IEmbeddingGenerator<string, Embedding<float>> Generator { get; }

    /// <summary>
    /// Gets the embedding view: the fitted classifier in embedding space (with the refined centroids when the classifier
    /// was refined on unlabelled texts); with a <see cref="MultiViewEmbeddingGenerator"/>, the first model's view. Its own
    /// scores are raw cosines; the classifier's probabilities combine it with the other views.
    /// </summary>
    public EmbeddingClassifier Model => _embedding;

    /// <summary>Gets the class labels, in the order in which they first appeared among the examples.</summary>
    public IReadOnlyList<string> Labels => _embedding.Labels;

    /// <summary>Gets a copy of the options the classifier was fitted with.</summary>
    public FewShotClassifierOptions Options => _options.Clone();

    /// <summary>Gets the texts of the model's examples in fitting order, or <see langword="null"/> when they are not kept.</summary>
    public IReadOnlyList<string>? ExampleTexts => _memory.ExampleTexts;

    /// <summary>Gets the number of unlabelled texts the classifier was fitted with (to refine its centroids, or to place k-means clusters); 0 when none were.</summary>
    public int UnlabeledCount => _embedding.UnlabeledCount;

    /// <summary>
    /// Gets the views the classifier combines, each with the factor that puts its similarities on the shared logit scale
    /// (its weight divided by its leave-one-out temperature).
    /// </summary>
    /// <remarks>
    /// With a <see cref="MultiViewEmbeddingGenerator"/>, each model is an embedding view of its own: "embedding" for the
    /// first, "embedding.1", "embedding.2" and on for the others, in the generator's order.
    /// </remarks>
    public IReadOnlyList<ClassifierView> Views =>
    [
        new ClassifierView(ClassifierView.EmbeddingName, _calibration.EmbeddingScale),
        .. _extraViews.Select((_, v) => new ClassifierView(EmbeddingViewName(v + 1), _calibration.ExtraScales[v])),
        .. _words is null ? (ClassifierView[])[] : [new ClassifierView(ClassifierView.WordsName, _calibration.WordScale)],
    ];

    /// <summary>
    /// Gets the temperature that turns the views' combined logits into probabilities, fitted by leave-one-out on the
    /// examples to minimize the negative log-likelihood of their true labels.
    /// </summary>
    public float Temperature => _calibration.Temperature;

    /// <summary>
    /// Gets the probability below which <see cref="FewShotClassifierOptions.DetectUnknown"/> flags a text as belonging
    /// to no class, fitted by leave-one-out: the 5th percentile of the top probabilities that held-out examples receive,
    /// so that about 19 in 20 texts like the examples pass; with "none" examples
    /// (<see cref="FewShotClassifierOptions.NoneLabel"/>), the probability that best separates the held-out examples from
    /// them. 0 (nothing flagged) when no example can be held out.
    /// </summary>
    public float UnknownThreshold => _calibration.UnknownThreshold;

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
    /// <paramref name="examples"/> is empty, has fewer than two distinct labels, or holds a null or blank text or label;
    /// or <paramref name="options"/> holds a bad setting (the message names each). These are checked before anything is
    /// sent to the generator.
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
    /// Embeds labelled examples and unlabelled texts (for example the batch about to be classified) and fits a classifier
    /// to them: the unlabelled texts refine the class centroids (or, with <see cref="ClassificationStrategy.KMeans"/>,
    /// place the clusters).
    /// </summary>
    /// <remarks>
    /// The refinement is expectation-maximization shared by the views: each unlabelled text is given class probabilities
    /// from the views' combined scores, each view's centroids are re-estimated from the examples plus the unlabelled texts
    /// weighted by those probabilities, and the two steps repeat a few times. The unlabelled texts' total weight is capped
    /// at <see cref="FewShotClassifierOptions.UnlabeledWeight"/> examples per class, so the examples keep each class where
    /// its labels say it is. Predictions of the fitted classifier do not depend on which texts are classified with it.
    /// Every unlabelled text is embedded in the one call with the examples: with a caching generator, classifying the same
    /// texts afterwards costs no second provider call.
    /// </remarks>
    /// <param name="generator">The embedding generator.</param>
    /// <param name="examples">The labelled texts: at least one, with at least two distinct labels.</param>
    /// <param name="unlabeledTexts">Texts without labels; may be empty (then this is the same as the overload without them).</param>
    /// <param name="options">The settings, or <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The fitted classifier.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="generator"/>, <paramref name="examples"/> or <paramref name="unlabeledTexts"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// An argument is invalid as in <see cref="CreateAsync(IEmbeddingGenerator{string, Embedding{float}}, IEnumerable{LabeledExample}, FewShotClassifierOptions?, CancellationToken)"/>,
    /// an unlabelled text is null or blank, a label description names a label no example has, or unlabelled texts were
    /// given to the <see cref="ClassificationStrategy.KNearestNeighbors"/> strategy (it has no centroids to refine).
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
        options = options?.Clone() ?? new FewShotClassifierOptions();
        FewShotClassifierOptionsValidator.ThrowIfInvalid(options, nameof(options));
        LabeledExample[] exampleList = [.. examples];
        string[] unlabeledList = [.. unlabeledTexts];
        ValidateExamples(exampleList, requireTwoClasses: true, options.NoneLabel);
        TextBatch.Validate(unlabeledList, nameof(unlabeledTexts));
        CheckUnlabeledFitsStrategy(unlabeledList.Length, options);
        KeyValuePair<string, string>[] descriptions = Descriptions(exampleList, options);

        using Activity? activity = Instrumentation.Source.StartActivity(EmbedClassifyTelemetry.CreateActivityName);
        activity?.SetTag(EmbedClassifyTelemetry.ExampleCountTagName, exampleList.Length);
        activity?.SetTag(EmbedClassifyTelemetry.BatchSizeTagName, exampleList.Length + unlabeledList.Length + descriptions.Length);
        try
        {
            bool useUnlabeled = unlabeledList.Length > 0 && options.UnlabeledWeight > 0;
            string[] sent = useUnlabeled ? unlabeledList : [];
            string[] allTexts = [.. exampleList.Select(e => e.Text), .. sent, .. descriptions.Select(d => d.Value)];
            ReadOnlyMemory<float>[] vectors = await TextBatch.EmbedAsync(generator, allTexts, expectedDimensions: null, cancellationToken).ConfigureAwait(false);
            var input = new FitInput(
                [.. exampleList.Select(e => e.Label)],
                vectors[..exampleList.Length],
                [.. exampleList.Select(e => e.Text)],
                null,
                vectors.AsSpan(exampleList.Length, sent.Length).ToArray(),
                sent,
                null,
                [.. descriptions.Select((d, i) => new Description(d.Key, d.Value, vectors[exampleList.Length + sent.Length + i]))]);
            FewShotClassifier classifier = Fit(generator, input, options, cancellationToken);

            // The fitted strategy, not the requested one: Auto reports the rule it picked.
            activity?.SetTag(EmbedClassifyTelemetry.StrategyTagName, Instrumentation.StrategyName(classifier._embedding.Strategy));
            activity?.SetTag(EmbedClassifyTelemetry.ClassCountTagName, classifier.Labels.Count);
            return classifier;
        }
        catch (Exception ex)
        {
            Instrumentation.RecordError(activity, ex);
            throw;
        }
    }

    /// <summary>
    /// Returns a classifier that also knows <paramref name="examples"/>, refitted with the same options (the word view,
    /// label descriptions, refinement on the same unlabelled texts and calibration included). Only the new texts are
    /// embedded; the vectors of the existing examples, descriptions and unlabelled texts are reused.
    /// </summary>
    /// <param name="examples">The labelled texts to add; they may bring new labels, or be "none" examples.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A new classifier; this instance is unchanged.</returns>
    /// <remarks>
    /// A classifier loaded from a file saved without its texts gives the same result, to the bit, as the classifier that
    /// saved it: the file keeps every example, "none" example and unlabelled text as the 64-bit hashes of its words and
    /// word pairs with their counts (never the text), from which the word view and its weights are computed again with
    /// the new examples' document frequencies. Files written before that (calibration section version 1) kept the
    /// "none" examples and unlabelled texts as word vectors weighted by the first fit, which such a classifier still
    /// uses, so its result differs slightly from a fit on all the texts.
    /// On a classifier created from descriptions (<see cref="DescribedOnlyLabels"/>), each class that receives an example
    /// drops the description that stood in for its examples; the description stays its prior.
    /// </remarks>
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

        return DescribedOnlyLabels.Count > 0
            ? await AddToDescribedAsync(exampleList, cancellationToken).ConfigureAwait(false)
            : await AddExamplesCoreAsync(exampleList, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Refits with <paramref name="exampleList"/> added to every example this classifier has.</summary>
    private async Task<FewShotClassifier> AddExamplesCoreAsync(LabeledExample[] exampleList, CancellationToken cancellationToken)
    {
        // Label names of classes that arrive now are descriptions too, embedded with the new examples.
        var described = new HashSet<string>(Labels.Concat(_memory.Descriptions.Select(d => d.Label)), StringComparer.Ordinal);
        KeyValuePair<string, string>[] newDescriptions = DescriptionsFor(
            exampleList.Select(e => e.Label).Where(l => l != _options.NoneLabel && !described.Contains(l)).Distinct(StringComparer.Ordinal),
            _options);
        string[] texts = [.. exampleList.Select(e => e.Text), .. newDescriptions.Select(d => d.Value)];
        ReadOnlyMemory<float>[] vectors = await TextBatch.EmbedAsync(Generator, texts, VectorLength, cancellationToken).ConfigureAwait(false);
        FitInput input = Refit(
            exampleList,
            vectors[..exampleList.Length],
            [.. newDescriptions.Select((d, i) => new Description(d.Key, d.Value, vectors[exampleList.Length + i]))]);
        return Fit(Generator, input, _options, cancellationToken);
    }

    /// <summary>
    /// Classifies one text.
    /// </summary>
    /// <param name="text">The text to classify.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The predicted label, its calibrated probability and every class's probability.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="text"/> is empty or white space.</exception>
    /// <exception cref="InvalidOperationException">The generator returned an unusable vector or one of a length other than <see cref="EmbeddingClassifier.Dimensions"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public async Task<Prediction> PredictAsync(string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        TextContent.ThrowIfNotEmbeddable(text, nameof(text), nameof(text));
        using Activity? activity = StartPredictionActivity(EmbedClassifyTelemetry.PredictActivityName, 1);
        try
        {
            ReadOnlyMemory<float>[] vectors = await TextBatch.EmbedAsync(Generator, [text], VectorLength, cancellationToken).ConfigureAwait(false);
            Prediction prediction = Predict(text, vectors[0].Span);
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
            ReadOnlyMemory<float>[] vectors = await TextBatch.EmbedAsync(Generator, textList, VectorLength, cancellationToken).ConfigureAwait(false);
            var predictions = new Prediction[vectors.Length];
            for (int i = 0; i < vectors.Length; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                predictions[i] = Predict(textList[i], vectors[i].Span);
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
    /// Classifies one text and returns every class's calibrated probability: the same values as
    /// <see cref="Prediction.Scores"/> of <see cref="PredictAsync"/>.
    /// </summary>
    /// <param name="text">The text to classify.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>One probability per class, in <see cref="Labels"/> order; they sum to 1.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="text"/> is empty or white space.</exception>
    /// <exception cref="InvalidOperationException">The generator returned an unusable vector.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public async Task<IReadOnlyList<ClassScore>> PredictProbabilitiesAsync(string text, CancellationToken cancellationToken = default) =>
        (await PredictAsync(text, cancellationToken).ConfigureAwait(false)).Scores;

    /// <summary>
    /// Returns the labelled examples most similar to a text in the (first) embedding view, most similar first, with their texts
    /// when they are kept: the evidence behind a prediction.
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
        TextContent.ThrowIfNotEmbeddable(text, nameof(text), nameof(text));
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ReadOnlyMemory<float>[] vectors = await TextBatch.EmbedAsync(Generator, [text], VectorLength, cancellationToken).ConfigureAwait(false);
        return NearestExamples(vectors[0].Span, count);
    }

    /// <summary>
    /// Classifies one text and shows why: the prediction, each view's raw similarity to every class and the factor it
    /// was weighed with, and the nearest labelled examples.
    /// </summary>
    /// <param name="text">The text to explain.</param>
    /// <param name="count">How many nearest examples to include at most.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The explanation.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="text"/> is empty or white space.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is less than 1.</exception>
    /// <exception cref="InvalidOperationException">The generator returned an unusable vector.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public async Task<PredictionExplanation> ExplainAsync(string text, int count = 3, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        TextContent.ThrowIfNotEmbeddable(text, nameof(text), nameof(text));
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ReadOnlyMemory<float>[] vectors = await TextBatch.EmbedAsync(Generator, [text], VectorLength, cancellationToken).ConfigureAwait(false);
        ReadOnlySpan<float> vector = vectors[0].Span;
        var embedded = new float[Labels.Count];
        _embedding.Score(PrimaryPart(vector), embedded);
        var views = new List<ViewSimilarities>
        {
            new(ClassifierView.EmbeddingName, _calibration.EmbeddingScale, [.. embedded.Select((s, c) => new ClassScore(Labels[c], s))]),
        };
        for (int v = 0; v < _extraViews.Length; v++)
        {
            var viewed = new float[Labels.Count];
            _extraViews[v].Score(ViewPart(vector, _viewOffsets, v + 1), viewed);
            views.Add(new(EmbeddingViewName(v + 1), _calibration.ExtraScales[v], [.. viewed.Select((s, c) => new ClassScore(Labels[c], s))]));
        }

        if (_words is not null)
        {
            var worded = new float[Labels.Count];
            _words.Score(text, worded);
            views.Add(new(ClassifierView.WordsName, _calibration.WordScale, [.. worded.Select((s, c) => new ClassScore(Labels[c], s))]));
        }

        return new PredictionExplanation(Predict(text, vector), views, NearestExamples(vector, count));
    }

    private IReadOnlyList<NearestExample> NearestExamples(ReadOnlySpan<float> vector, int count) =>
        [.. _embedding.NearestExamples(PrimaryPart(vector), count).Select(n => n with { Text = _memory.ExampleTexts?[n.Index] })];

    private Activity? StartPredictionActivity(string name, int batchSize)
    {
        Activity? activity = Instrumentation.Source.StartActivity(name);
        if (activity is not null)
        {
            activity.SetTag(EmbedClassifyTelemetry.StrategyTagName, Instrumentation.StrategyName(_embedding.Strategy));
            activity.SetTag(EmbedClassifyTelemetry.ClassCountTagName, Labels.Count);
            activity.SetTag(EmbedClassifyTelemetry.BatchSizeTagName, batchSize);
        }

        return activity;
    }

    private void CountPredictions(int count)
    {
        if (Instrumentation.Predictions.Enabled)
        {
            Instrumentation.Predictions.Add(count, new KeyValuePair<string, object?>(EmbedClassifyTelemetry.StrategyTagName, Instrumentation.StrategyName(_embedding.Strategy)));
        }
    }
}
