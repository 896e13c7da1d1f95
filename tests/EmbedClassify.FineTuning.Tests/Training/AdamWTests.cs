namespace EmbedClassify.FineTuning.Tests;

public class AdamWTests
{
    // Expected values worked out by hand from torch.optim.AdamW's update (betas 0.9/0.999, eps 1e-6, weight decay
    // 0.01) after clip_grad_norm_(1.0):
    // step 1 (lr 0.1): gradients 3 (query weight) and 4 (query bias), global norm 5, so both are scaled by 1/(5 + 1e-6);
    //   m = 0.1·g, v = 0.001·g², bias corrections 0.1 and 0.001 give m̂/√v̂ = g/|g|; the weight first decays to 0.999.
    //   weight: 0.999 − 0.1·0.6/(0.6 + 1e-6) = 0.899000167; bias (no decay): 1 − 0.1·0.8/(0.8 + 1e-6) = 0.900000125.
    // step 2 (lr 0.05): gradients 0.3 and 0.4, norm 0.5 ≤ 1, no clipping; bias corrections 0.19 and 0.001999:
    //   weight: 0.899000167·0.9995 − 0.05/0.19 · m₂/(√v₂/√0.001999 + 1e-6) = 0.851941781; bias: 0.853391215.
    // A decayed weight with zero gradient only decays: 1 → 0.999 → 0.9985005; a LayerNorm scale with zero gradient stays 1.
    [Test]
    public void Step_MatchesHandComputedTwoSteps_WithClippingAndDecayGroups()
    {
        var weights = new BertWeights(TinyBert.Configuration);
        BertLayerWeights top = weights.Layers[1];
        top.Query[0] = 1;
        top.QueryBias[0] = 1;
        top.Key[0] = 1;
        top.AttentionNormScale[0] = 1;
        weights.Layers[0].Query[0] = 1;
        var scope = new BertTrainingScope(TinyBert.Configuration, 1, trainEmbeddings: false);
        var optimizer = new AdamW(weights, scope);
        var gradients = new BertGradients(TinyBert.Configuration);

        gradients.Values.Layers[1].Query[0] = 3;
        gradients.Values.Layers[1].QueryBias[0] = 4;
        gradients.Values.Layers[0].Query[0] = 100; // outside the scope: neither clipped against nor applied
        double norm = optimizer.Step(gradients, 0.1f);
        Assert.That(norm, Is.EqualTo(5).Within(1e-6));
        Assert.That(top.Query[0], Is.EqualTo(0.899000167f).Within(1e-6f));
        Assert.That(top.QueryBias[0], Is.EqualTo(0.900000125f).Within(1e-6f));

        gradients.Clear();
        gradients.Values.Layers[1].Query[0] = 0.3f;
        gradients.Values.Layers[1].QueryBias[0] = 0.4f;
        optimizer.Step(gradients, 0.05f);
        Assert.Multiple(() =>
        {
            Assert.That(top.Query[0], Is.EqualTo(0.851941781f).Within(1e-6f));
            Assert.That(top.QueryBias[0], Is.EqualTo(0.853391215f).Within(1e-6f));
            Assert.That(top.Key[0], Is.EqualTo(0.9985005f).Within(1e-7f));
            Assert.That(top.AttentionNormScale[0], Is.EqualTo(1f));
            Assert.That(weights.Layers[0].Query[0], Is.EqualTo(1f));
            Assert.That(optimizer.StepCount, Is.EqualTo(2));
        });
    }

    [Test]
    public void Groups_FollowSentenceTransformers_NoDecayOnBiasesAndLayerNorm()
    {
        var weights = new BertWeights(TinyBert.Configuration);
        var optimizer = new AdamW(weights, BertTrainingScope.All(TinyBert.Configuration));
        var groups = optimizer.Groups.ToDictionary(group => group.Name, group => group.Decayed);
        Assert.That(groups, Has.Count.EqualTo(5 + 16 * 2));
        Assert.That(groups["embeddings.word_embeddings.weight"], Is.True);
        Assert.That(groups["embeddings.LayerNorm.weight"], Is.False);
        Assert.That(groups["encoder.layer.1.attention.output.LayerNorm.weight"], Is.False);
        Assert.That(groups["encoder.layer.0.intermediate.dense.bias"], Is.False);
        Assert.That(groups["encoder.layer.0.intermediate.dense.weight"], Is.True);
    }

    [Test]
    public void MomentBytes_CoverOnlyTheTrainedLayers()
    {
        var weights = new BertWeights(TinyBert.Configuration);
        var top = new AdamW(weights, new BertTrainingScope(TinyBert.Configuration, 1, trainEmbeddings: false));
        long layerFloats = weights.Layers[1].Parameters().Sum(parameter => (long)parameter.Values.Length);
        Assert.That(top.MomentBytes, Is.EqualTo(2 * layerFloats * sizeof(float)));
    }

    // Word rows: a row once given a gradient follows dense AdamW on later steps (momentum moves it, weight decay
    // applies); a row never given one is left alone (dense AdamW would only decay it).
    [Test]
    public void Step_OnWordEmbeddings_UpdatesEveryRowEverTouched_AndNoOther()
    {
        var weights = new BertWeights(TinyBert.Configuration);
        int hidden = TinyBert.Configuration.HiddenSize;
        weights.WordEmbeddings[3 * hidden] = 1;
        weights.WordEmbeddings[3 * hidden + 1] = 1;
        weights.WordEmbeddings[5 * hidden] = 1;
        var optimizer = new AdamW(weights, BertTrainingScope.All(TinyBert.Configuration));
        var gradients = new BertGradients(TinyBert.Configuration);
        gradients.TouchWordRow(3);
        gradients.Values.WordEmbeddings[3 * hidden] = 1;
        optimizer.Step(gradients, 0.1f);
        gradients.Clear();
        optimizer.Step(gradients, 0.05f);

        // As the query weight of the two-step example, with gradients 1 then 0: 0.8990001 then 0.865047735.
        Assert.That(weights.WordEmbeddings[3 * hidden], Is.EqualTo(0.865047735f).Within(1e-6f));
        Assert.That(weights.WordEmbeddings[3 * hidden + 1], Is.EqualTo(0.9985005f).Within(1e-7f));
        Assert.That(weights.WordEmbeddings[5 * hidden], Is.EqualTo(1f));
    }

    [Test]
    public void Step_RejectsBadLearningRates_NamingThem()
    {
        var weights = new BertWeights(TinyBert.Configuration);
        var optimizer = new AdamW(weights, BertTrainingScope.All(TinyBert.Configuration));
        var gradients = new BertGradients(TinyBert.Configuration);
        Assert.That(() => optimizer.Step(gradients, -1f), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("learningRate"));
        Assert.That(() => optimizer.Step(gradients, float.NaN), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("learningRate"));
        Assert.That(() => optimizer.Step(null!, 0.1f), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("gradients"));
        Assert.That(() => new AdamW(weights, BertTrainingScope.All(TinyBert.Configuration), beta1: 1f), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("beta1"));
        Assert.That(() => new AdamW(weights, BertTrainingScope.All(TinyBert.Configuration), maxGradientNorm: 0f), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("maxGradientNorm"));
    }

    [TestCase(2, true)]
    [TestCase(1, false)]
    public void TrainingSteps_MakeTheLossFall_OnASeparableProblem(int layers, bool embeddings)
    {
        // Two classes whose texts draw their tokens from disjoint halves of the vocabulary; pairs say same class → 1.
        var random = new Random(3);
        int[][] ids = Enumerable.Range(0, 8)
            .Select(s => Enumerable.Range(0, 3 + s % 4).Select(_ => (s % 2 == 0 ? 1 : 25) + random.Next(24)).ToArray())
            .ToArray();
        var pairs = new List<SentencePair>();
        for (int i = 0; i < ids.Length; i++)
        {
            for (int j = i + 1; j < ids.Length; j++)
            {
                pairs.Add(new SentencePair(i, j, i % 2 == j % 2 ? 1 : 0));
            }
        }

        BertWeights weights = TinyBert.CreateWeights(9);
        var scope = new BertTrainingScope(TinyBert.Configuration, layers, embeddings);
        var optimizer = new AdamW(weights, scope);
        var gradients = new BertGradients(TinyBert.Configuration);
        var cache = new BertActivationCache(TinyBert.Configuration);
        TokenBatch batch = TokenBatch.Create(TinyBert.Configuration, ids);
        var pooled = new float[ids.Length * TinyBert.Configuration.HiddenSize];
        var pooledGradient = new float[pooled.Length];
        double first = 0, last = 0;
        for (int step = 0; step < 30; step++)
        {
            gradients.Clear();
            BertEncoder.ForwardTraining(weights, batch, scope, cache, pooled);
            last = CosineSimilarityLoss.Compute(pooled, TinyBert.Configuration.HiddenSize, pairs.ToArray(), pooledGradient);
            first = step == 0 ? last : first;
            BertEncoder.Backward(weights, cache, pooledGradient, gradients);
            optimizer.Step(gradients, 1e-2f);
        }

        TestContext.Out.WriteLine($"loss {first:F4} → {last:F4}");
        Assert.That(last, Is.LessThan(0.5 * first));
    }
}
