using EmbedClassify.Tests.TestDoubles;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace EmbedClassify.Tests.DependencyInjection;

public class MultiViewDependencyInjectionTests
{
    private static readonly LabeledExample[] Examples =
    [
        new("win a free prize now", "spam"),
        new("cheap pills free offer", "spam"),
        new("meeting notes for monday", "ham"),
        new("lunch with the team on monday", "ham"),
    ];

    [Test]
    public async Task TheFactory_FitsAViewPerModel_OfARegisteredCombinedGenerator_WhoseClassifierSavesAndLoadsThroughTheSameRegistration()
    {
        var words = new HashedEmbeddings("words-64", 64, HashedEmbeddings.Kind.Words);
        var trigrams = new HashedEmbeddings("trigrams-48", 48, HashedEmbeddings.Kind.Trigrams);
        var services = new ServiceCollection();
        services.AddSingleton<IEmbeddingCacheStore>(new InMemoryEmbeddingCacheStore());

        // Each model behind its own cache on the shared store: what one model was paid for survives the other's failure.
        services.AddEmbeddingGenerator(provider => new MultiViewEmbeddingGenerator(
            new CachingEmbeddingGenerator(words, provider.GetRequiredService<IEmbeddingCacheStore>()),
            new CachingEmbeddingGenerator(trigrams, provider.GetRequiredService<IEmbeddingCacheStore>())));
        services.AddEmbedClassify(options => options.WordWeight = 0);
        await using ServiceProvider provider = services.BuildServiceProvider();
        IFewShotClassifierFactory factory = provider.GetRequiredService<IFewShotClassifierFactory>();
        IEmbeddingGenerator<string, Embedding<float>> generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();

        FewShotClassifier classifier = await factory.CreateAsync(Examples);
        using var stream = new MemoryStream();
        await classifier.SaveAsync(stream);
        stream.Position = 0;
        FewShotClassifier loaded = await FewShotClassifier.LoadAsync(generator, stream);
        int sent = words.Sent.Count;
        Prediction prediction = await loaded.PredictAsync("free prize offer");
        await classifier.PredictAsync("free prize offer");

        Assert.Multiple(() =>
        {
            Assert.That(classifier.Views.Select(v => v.Name), Is.EqualTo(new[] { "embedding", "embedding.1" }));
            Assert.That(loaded.Views, Is.EqualTo(classifier.Views));
            Assert.That(prediction.Label, Is.EqualTo("spam"));
            Assert.That(words.Sent, Has.Count.EqualTo(sent + 1), "the second prediction of the same text comes from the cache");
            Assert.That(trigrams.Sent, Has.Count.EqualTo(words.Sent.Count));
        });
    }
}
