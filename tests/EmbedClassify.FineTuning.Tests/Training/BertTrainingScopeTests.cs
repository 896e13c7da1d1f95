namespace EmbedClassify.FineTuning.Tests;

public class BertTrainingScopeTests
{
    [TestCase(2, true, 0, 0)]
    [TestCase(1, false, 1, 1)]
    [TestCase(1, true, 1, 0)]
    [TestCase(0, true, 2, 0)]
    public void Scope_NamesItsLowestTrainedAndBackwardLayers(int layers, bool embeddings, int lowestTrained, int lowestBackward)
    {
        var scope = new BertTrainingScope(TinyBert.Configuration, layers, embeddings);
        Assert.That(scope.LowestTrainedLayer, Is.EqualTo(lowestTrained));
        Assert.That(scope.LowestBackwardLayer, Is.EqualTo(lowestBackward));
    }

    [Test]
    public void TrainedParameters_ListsTheTopLayersOnly_WhenEmbeddingsAreFrozen()
    {
        var weights = new BertWeights(TinyBert.Configuration);
        var scope = new BertTrainingScope(TinyBert.Configuration, 1, trainEmbeddings: false);
        string[] names = scope.TrainedParameters(weights).Select(parameter => parameter.Name).ToArray();
        Assert.That(names, Has.Length.EqualTo(16));
        Assert.That(names, Has.All.StartWith("encoder.layer.1."));
    }

    [Test]
    public void Constructor_RejectsBadArguments_NamingThem()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new BertTrainingScope(TinyBert.Configuration, -1, true), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("trainedLayerCount"));
            Assert.That(() => new BertTrainingScope(TinyBert.Configuration, 3, true), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("trainedLayerCount"));
            Assert.That(() => new BertTrainingScope(TinyBert.Configuration, 0, false), Throws.ArgumentException.With.Property("ParamName").EqualTo("trainedLayerCount"));
            Assert.That(() => new BertTrainingScope(null!, 1, true), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("configuration"));
        });
    }

    [Test]
    public void ScopeOfAnotherConfiguration_IsRefused_ByTheForwardPassAndTheOptimizer()
    {
        var other = TinyBert.Configuration with { LayerCount = 3 };
        BertWeights weights = TinyBert.CreateWeights(1);
        var scope = BertTrainingScope.All(other);
        Assert.That(
            () => BertEncoder.ForwardTraining(weights, TokenBatch.Create(TinyBert.Configuration, [[1, 2]]), scope, new BertActivationCache(TinyBert.Configuration), new float[8]),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("scope"));
        Assert.That(() => new AdamW(weights, scope), Throws.ArgumentException.With.Property("ParamName").EqualTo("scope"));
    }
}
