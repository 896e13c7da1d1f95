namespace EmbedClassify.FineTuning.Tests;

public class BertEncoderTests
{
    [Test]
    public void Forward_InferenceMode_EqualsTrainingMode_ForEveryScope()
    {
        BertWeights weights = TinyBert.CreateWeights(1);
        int[][] ids = TinyBert.CreateBatch(2, 5);
        float[] inference = BertEncoder.Forward(weights, ids);
        var cache = new BertActivationCache(TinyBert.Configuration);
        foreach (BertTrainingScope scope in new[]
        {
            BertTrainingScope.All(TinyBert.Configuration),
            new BertTrainingScope(TinyBert.Configuration, 1, trainEmbeddings: false),
            new BertTrainingScope(TinyBert.Configuration, 0, trainEmbeddings: true),
        })
        {
            var training = new float[inference.Length];
            BertEncoder.ForwardTraining(weights, TokenBatch.Create(TinyBert.Configuration, ids), scope, cache, training);
            Assert.That(training, Is.EqualTo(inference), $"scope {scope}");
        }
    }

    [Test]
    public void Forward_Batch_EqualsEachSequenceAlone()
    {
        BertWeights weights = TinyBert.CreateWeights(3);
        int[][] ids = TinyBert.CreateBatch(4, 6);
        float[] batched = BertEncoder.Forward(weights, ids);
        int hidden = TinyBert.Configuration.HiddenSize;
        for (int s = 0; s < ids.Length; s++)
        {
            float[] alone = BertEncoder.Forward(weights, [ids[s]]);
            Assert.That(batched.AsSpan(s * hidden, hidden).ToArray(), Is.EqualTo(alone).Within(1e-5f), $"sequence {s}");
        }
    }

    [Test]
    public void Forward_DependsOnTokenOrder_AndEveryLayer()
    {
        // Guards against an encoder that ignores positions or skips a layer: both change the output.
        BertWeights weights = TinyBert.CreateWeights(5);
        float[] forward = BertEncoder.Forward(weights, [[3, 7, 9]]);
        float[] reversed = BertEncoder.Forward(weights, [[9, 7, 3]]);
        Assert.That(reversed, Is.Not.EqualTo(forward));
        weights.Layers[0].OutputBias[0] += 0.5f;
        Assert.That(BertEncoder.Forward(weights, [[3, 7, 9]]), Is.Not.EqualTo(forward));
    }

    [Test]
    public void Forward_OneToken_PoolsTheFinalLayerNormOutput()
    {
        // With one token, attention is the identity on V; with all weights but the final LayerNorm's bias zero, the
        // pooled vector is exactly that bias (the normalised row is zero, since every row is constant).
        var weights = new BertWeights(TinyBert.Configuration);
        float[] bias = [1, -2, 3, 0.5f, 0, 7, -1, 2];
        bias.CopyTo(weights.Layers[^1].OutputNormBias, 0);
        Assert.That(BertEncoder.Forward(weights, [[4]]), Is.EqualTo(bias));
    }

    [Test]
    public void Forward_RejectsBadBatches_NamingIds()
    {
        BertWeights weights = TinyBert.CreateWeights(1);
        Assert.Multiple(() =>
        {
            Assert.That(() => BertEncoder.Forward(weights, null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("ids"));
            Assert.That(() => BertEncoder.Forward(weights, []), Throws.ArgumentException.With.Property("ParamName").EqualTo("ids"));
            Assert.That(() => BertEncoder.Forward(weights, [[1], []]), Throws.ArgumentException.With.Property("ParamName").EqualTo("ids"));
            Assert.That(() => BertEncoder.Forward(weights, [new int[17]]), Throws.ArgumentException.With.Property("ParamName").EqualTo("ids"));
            Assert.That(() => BertEncoder.Forward(weights, [[1, 50]]), Throws.ArgumentException.With.Property("ParamName").EqualTo("ids"));
            Assert.That(() => BertEncoder.Forward(weights, [[1, -1]]), Throws.ArgumentException.With.Property("ParamName").EqualTo("ids"));
            Assert.That(() => BertEncoder.Forward(weights, [[1], null!]), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("ids"));
            Assert.That(() => BertEncoder.Forward(null!, [[1]]), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("weights"));
        });
    }

    [Test]
    public void ForwardTraining_RejectsAPooledSpanOfTheWrongLength()
    {
        BertWeights weights = TinyBert.CreateWeights(1);
        TokenBatch batch = TokenBatch.Create(TinyBert.Configuration, [[1, 2]]);
        var cache = new BertActivationCache(TinyBert.Configuration);
        Assert.That(
            () => BertEncoder.ForwardTraining(weights, batch, BertTrainingScope.All(TinyBert.Configuration), cache, new float[7]),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("pooled"));
    }

    [Test]
    public void ActivationCache_DoesNotGrow_WhenASmallerBatchFollows()
    {
        BertWeights weights = TinyBert.CreateWeights(1);
        var cache = new BertActivationCache(TinyBert.Configuration);
        BertTrainingScope scope = BertTrainingScope.All(TinyBert.Configuration);
        int[][] large = TinyBert.CreateBatch(1, 6);
        BertEncoder.ForwardTraining(weights, TokenBatch.Create(TinyBert.Configuration, large), scope, cache, new float[6 * 8]);
        long bytes = cache.Bytes;
        BertEncoder.ForwardTraining(weights, TokenBatch.Create(TinyBert.Configuration, large[..3]), scope, cache, new float[3 * 8]);
        Assert.That(cache.Bytes, Is.EqualTo(bytes).And.GreaterThan(0));
    }

    [Test]
    public void ActivationCache_KeepsNothingForLayersBelowTheTrainedOnes()
    {
        BertWeights weights = TinyBert.CreateWeights(1);
        var cache = new BertActivationCache(TinyBert.Configuration);
        var scope = new BertTrainingScope(TinyBert.Configuration, 1, trainEmbeddings: false);
        BertEncoder.ForwardTraining(weights, TokenBatch.Create(TinyBert.Configuration, TinyBert.CreateBatch(1, 4)), scope, cache, new float[4 * 8]);
        Assert.That(cache.Layers[0].Bytes, Is.Zero);
        Assert.That(cache.Layers[1].Bytes, Is.GreaterThan(0));
        Assert.That(cache.EmbeddingNormalized.Bytes, Is.Zero);
    }
}
