namespace EmbedClassify.FineTuning.Tests;

/// <summary>
/// Finite-difference checks of the backward pass through the whole tiny model and the cosine-similarity loss, for
/// every element of every parameter, and the training-scope options.
/// </summary>
public class BertEncoderGradientTests
{
    // Float model, so the step is large enough that rounding in the forward pass (relative ~1e-6 on a loss of ~0.5)
    // stays small after dividing by 2h, and small enough that the h² truncation term is below the tolerance.
    private const float Step = 1e-2f;

    private static readonly int[][] Ids = TinyBert.CreateBatch(11, 4);

    private static readonly SentencePair[] Pairs = [new(0, 1, 1), new(0, 2, 0), new(1, 3, 0), new(2, 3, 1), new(3, 0, 1)];

    public static IEnumerable<string> ParameterNames() =>
        new BertWeights(TinyBert.Configuration).Parameters().Select(parameter => parameter.Name);

    [TestCaseSource(nameof(ParameterNames))]
    public void Backward_MatchesCentralFiniteDifferences(string name)
    {
        BertWeights weights = TinyBert.CreateWeights(7);
        BertGradients gradients = Gradients(weights, BertTrainingScope.All(TinyBert.Configuration));
        float[] values = Find(weights, name);
        float[] analytic = Find(gradients.Values, name);
        double worst = 0;
        for (int i = 0; i < values.Length; i++)
        {
            float original = values[i];
            values[i] = original + Step;
            float up = values[i];
            double lossUp = Loss(weights);
            values[i] = original - Step;
            float down = values[i];
            double lossDown = Loss(weights);
            values[i] = original;
            double numeric = (lossUp - lossDown) / (up - down);

            // Absolute floor for gradients near zero plus 0.1% relative: measured errors stay below 2.5e-5, where a wrong
            // term (a missing residual, a transposed product, a wrong softmax Jacobian) is off by far more.
            double tolerance = 1e-4 + 1e-3 * Math.Abs(numeric);
            Assert.That(analytic[i], Is.EqualTo(numeric).Within(tolerance), $"{name}[{i}]");
            worst = Math.Max(worst, Math.Abs(analytic[i] - numeric));
        }

        Assert.That(analytic.Any(value => value != 0) || name == "embeddings.token_type_embeddings.weight", Is.True, "some gradient is not zero");
        TestContext.Out.WriteLine($"{name}: largest |analytic − numeric| = {worst:E2}");
    }

    [Test]
    public void Backward_GivesZeroToRowsNotInTheBatch_AndRecordsTheTouchedWordRows()
    {
        BertWeights weights = TinyBert.CreateWeights(7);
        BertGradients gradients = Gradients(weights, BertTrainingScope.All(TinyBert.Configuration));
        int hidden = TinyBert.Configuration.HiddenSize;
        int[] used = Ids.SelectMany(sequence => sequence).Distinct().Order().ToArray();
        Assert.That(gradients.TouchedWordRows.Order(), Is.EqualTo(used));
        for (int row = 0; row < TinyBert.Configuration.VocabularySize; row++)
        {
            bool zero = gradients.Values.WordEmbeddings.AsSpan(row * hidden, hidden).IndexOfAnyExcept(0f) < 0;
            Assert.That(zero, Is.EqualTo(!used.Contains(row)), $"word row {row}");
        }

        int longest = Ids.Max(sequence => sequence.Length);
        Assert.That(gradients.Values.PositionEmbeddings.AsSpan(longest * hidden).IndexOfAnyExcept(0f), Is.EqualTo(-1));
        Assert.That(gradients.Values.TokenTypeEmbeddings.AsSpan(hidden).IndexOfAnyExcept(0f), Is.EqualTo(-1));
    }

    [Test]
    public void Clear_ZeroesEveryGradient()
    {
        BertWeights weights = TinyBert.CreateWeights(7);
        BertGradients gradients = Gradients(weights, BertTrainingScope.All(TinyBert.Configuration));
        gradients.Clear();
        Assert.That(gradients.TouchedWordRows, Is.Empty);
        foreach ((string name, float[] values) in gradients.Values.Parameters())
        {
            Assert.That(values.AsSpan().IndexOfAnyExcept(0f), Is.EqualTo(-1), name);
        }
    }

    [Test]
    public void Backward_Accumulates_WhenCalledTwiceWithoutClear()
    {
        BertWeights weights = TinyBert.CreateWeights(7);
        BertTrainingScope scope = BertTrainingScope.All(TinyBert.Configuration);
        BertGradients once = Gradients(weights, scope);
        BertGradients twice = Gradients(weights, scope, repeat: 2);
        foreach (((string name, float[] single), (_, float[] doubled)) in once.Values.Parameters().Zip(twice.Values.Parameters()))
        {
            Assert.That(doubled, Is.EqualTo(single.Select(value => 2 * value)).Within(1e-6f), name);
        }
    }

    [TestCase(1, false)]
    [TestCase(2, false)]
    [TestCase(1, true)]
    [TestCase(0, true)]
    public void Backward_WithAScope_MatchesFullBackwardOnTrainedParameters_AndLeavesOthersZero(int layers, bool embeddings)
    {
        BertWeights weights = TinyBert.CreateWeights(7);
        BertGradients full = Gradients(weights, BertTrainingScope.All(TinyBert.Configuration));
        var scope = new BertTrainingScope(TinyBert.Configuration, layers, embeddings);
        BertGradients partial = Gradients(weights, scope);
        var trained = scope.TrainedParameters(partial.Values).Select(parameter => parameter.Name).ToHashSet();
        Assert.That(trained, Has.Count.EqualTo((embeddings ? 5 : 0) + 16 * layers));
        foreach (((string name, float[] expected), (_, float[] actual)) in full.Values.Parameters().Zip(partial.Values.Parameters()))
        {
            if (trained.Contains(name))
            {
                Assert.That(actual, Is.EqualTo(expected), name);
            }
            else
            {
                Assert.That(actual.AsSpan().IndexOfAnyExcept(0f), Is.EqualTo(-1), $"{name} should stay zero");
            }
        }
    }

    [Test]
    public void Backward_BeforeAnyTrainingForward_Throws()
    {
        BertWeights weights = TinyBert.CreateWeights(7);
        Assert.That(
            () => BertEncoder.Backward(weights, new BertActivationCache(TinyBert.Configuration), new float[8], new BertGradients(TinyBert.Configuration)),
            Throws.InvalidOperationException);
    }

    [Test]
    public void Backward_RejectsAPooledGradientOfTheWrongLength()
    {
        BertWeights weights = TinyBert.CreateWeights(7);
        var cache = new BertActivationCache(TinyBert.Configuration);
        TokenBatch batch = TokenBatch.Create(TinyBert.Configuration, Ids);
        BertEncoder.ForwardTraining(weights, batch, BertTrainingScope.All(TinyBert.Configuration), cache, new float[Ids.Length * 8]);
        Assert.That(
            () => BertEncoder.Backward(weights, cache, new float[3], new BertGradients(TinyBert.Configuration)),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("pooledGradient"));
    }

    private static BertGradients Gradients(BertWeights weights, BertTrainingScope scope, int repeat = 1)
    {
        int hidden = TinyBert.Configuration.HiddenSize;
        var cache = new BertActivationCache(TinyBert.Configuration);
        var gradients = new BertGradients(TinyBert.Configuration);
        var pooled = new float[Ids.Length * hidden];
        var pooledGradient = new float[pooled.Length];
        for (int r = 0; r < repeat; r++)
        {
            BertEncoder.ForwardTraining(weights, TokenBatch.Create(TinyBert.Configuration, Ids), scope, cache, pooled);
            CosineSimilarityLoss.Compute(pooled, hidden, Pairs, pooledGradient);
            BertEncoder.Backward(weights, cache, pooledGradient, gradients);
        }

        return gradients;
    }

    private static double Loss(BertWeights weights)
    {
        float[] pooled = BertEncoder.Forward(weights, Ids);
        return CosineSimilarityLoss.Compute(pooled, TinyBert.Configuration.HiddenSize, Pairs, new float[pooled.Length]);
    }

    private static float[] Find(BertWeights weights, string name) =>
        weights.Parameters().Single(parameter => parameter.Name == name).Values;
}
