using System.Text;
using EmbedClassify.Tests.TestDoubles;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EmbedClassify.Tests.DependencyInjection;

public class EmbedClassifyServiceCollectionExtensionsTests
{
    private static readonly LabeledExample[] Examples =
    [
        new("win a free prize now", "spam"),
        new("cheap pills free offer", "spam"),
        new("meeting notes for monday", "ham"),
        new("lunch with the team on monday", "ham"),
    ];

    [Test]
    public void AddEmbedClassify_BindsEverySetting_FromAnAppSettingsSection()
    {
        IConfiguration configuration = Json("""
            {
              "EmbedClassify": {
                "Strategy": "KNearestNeighbors",
                "Neighbors": 5,
                "Clusters": 4,
                "Initialization": "ClassCentroids",
                "MaxIterations": 7,
                "CenterEmbeddings": true,
                "DetectUnknown": true,
                "NoneLabel": "other",
                "Seed": 9,
                "WordWeight": 0.5,
                "UnlabeledWeight": 12,
                "LabelDescriptionWeight": 2,
                "LabelNamesAsDescriptions": false,
                "LabelDescriptions": { "billing": "questions about invoices", "Food & Drink": "restaurants and groceries" },
                "Cache": { "BatchSize": 16, "MaxConcurrency": 2, "ModelIdentity": "minilm-l6" }
              }
            }
            """);
        using ServiceProvider provider = new ServiceCollection().AddEmbedClassify(configuration.GetSection("EmbedClassify")).BuildServiceProvider();

        FewShotClassifierOptions classifier = provider.GetRequiredService<IOptions<FewShotClassifierOptions>>().Value;
        CachingEmbeddingGeneratorOptions cache = provider.GetRequiredService<IOptions<EmbedClassifyCacheOptions>>().Value.ToCachingOptions();

        Assert.Multiple(() =>
        {
            Assert.That(classifier.Strategy, Is.EqualTo(ClassificationStrategy.KNearestNeighbors));
            Assert.That(classifier.Neighbors, Is.EqualTo(5));
            Assert.That(classifier.Clusters, Is.EqualTo(4));
            Assert.That(classifier.Initialization, Is.EqualTo(KMeansInitialization.ClassCentroids));
            Assert.That(classifier.MaxIterations, Is.EqualTo(7));
            Assert.That(classifier.CenterEmbeddings, Is.True);
            Assert.That(classifier.DetectUnknown, Is.True);
            Assert.That(classifier.NoneLabel, Is.EqualTo("other"));
            Assert.That(classifier.Seed, Is.EqualTo(9));
            Assert.That(classifier.WordWeight, Is.EqualTo(0.5));
            Assert.That(classifier.UnlabeledWeight, Is.EqualTo(12));
            Assert.That(classifier.LabelDescriptionWeight, Is.EqualTo(2));
            Assert.That(classifier.LabelNamesAsDescriptions, Is.False);
            Assert.That(classifier.LabelDescriptions, Is.EquivalentTo(new Dictionary<string, string>
            {
                ["billing"] = "questions about invoices",
                ["Food & Drink"] = "restaurants and groceries",
            }));
            Assert.That(cache.BatchSize, Is.EqualTo(16));
            Assert.That(cache.MaxConcurrency, Is.EqualTo(2));
            Assert.That(cache.ModelIdentity, Is.EqualTo("minilm-l6"));
        });
    }

    [Test]
    public void AddEmbedClassify_DefaultsMatchTheLibraryDefaults_WhenTheSectionIsEmpty()
    {
        using ServiceProvider provider = new ServiceCollection().AddEmbedClassify(Json("{}").GetSection("EmbedClassify")).BuildServiceProvider();

        FewShotClassifierOptions actual = provider.GetRequiredService<IOptions<FewShotClassifierOptions>>().Value;
        var expected = new FewShotClassifierOptions();
        EmbedClassifyCacheOptions cacheOptions = provider.GetRequiredService<IOptions<EmbedClassifyCacheOptions>>().Value;

        Assert.Multiple(() =>
        {
            Assert.That(actual.Strategy, Is.EqualTo(expected.Strategy));
            Assert.That(actual.Neighbors, Is.EqualTo(expected.Neighbors));
            Assert.That(actual.Clusters, Is.EqualTo(expected.Clusters));
            Assert.That(actual.MaxIterations, Is.EqualTo(expected.MaxIterations));
            Assert.That(actual.Seed, Is.EqualTo(expected.Seed));
            Assert.That(actual.CenterEmbeddings, Is.EqualTo(expected.CenterEmbeddings));
            Assert.That(actual.WordWeight, Is.EqualTo(expected.WordWeight));
            Assert.That(actual.LabelNamesAsDescriptions, Is.EqualTo(expected.LabelNamesAsDescriptions));
            Assert.That(actual.LabelDescriptions, Is.Empty);
            Assert.That(cacheOptions.BatchSize, Is.EqualTo(new CachingEmbeddingGeneratorOptions().BatchSize));
        });
    }

    [Test]
    public async Task HostStart_Throws_OptionsValidationException_NamingEveryBadSettingByItsPath()
    {
        using IHost host = BuildHost(new()
        {
            ["EmbedClassify:Neighbors"] = "0",
            ["EmbedClassify:Clusters"] = "-1",
            ["EmbedClassify:NoneLabel"] = " ",
            ["EmbedClassify:WordWeight"] = "-1",
            ["EmbedClassify:UnlabeledWeight"] = "NaN",
            ["EmbedClassify:LabelDescriptions:billing"] = " ",
        });

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Multiple(() =>
        {
            Assert.That(ex!.OptionsType, Is.EqualTo(typeof(FewShotClassifierOptions)));
            Assert.That(ex.Failures, Is.EquivalentTo(new[]
            {
                "EmbedClassify:Neighbors is 0; it must be at least 1.",
                "EmbedClassify:Clusters is -1; it must be at least 1.",
                "EmbedClassify:NoneLabel is blank; leave it out for no none-of-these label, or give the label.",
                "EmbedClassify:WordWeight is -1; it must be a finite number of at least 0.",
                "EmbedClassify:UnlabeledWeight is NaN; it must be a finite number of at least 0.",
                "EmbedClassify:LabelDescriptions:billing is blank; there is nothing to embed.",
            }));
            Assert.That(ex.Message, Does.Contain("EmbedClassify:Neighbors is 0; it must be at least 1."));
        });
    }

    [Test]
    public async Task HostStart_ReportsTheSectionsOwnPath_WhenBoundFromANestedSection()
    {
        using IHost host = BuildHost(new() { ["Classifiers:Tickets:Cache:MaxConcurrency"] = "0" }, "Classifiers:Tickets");

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.That(ex!.Message, Is.EqualTo("Classifiers:Tickets:Cache:MaxConcurrency is 0; it must be at least 1."));
    }

    [Test]
    public void HostStart_Throws_WhenASettingIsMisspelt()
    {
        using IHost host = BuildHost(new() { ["EmbedClassify:Neighbours"] = "5" });

        Assert.That(
            () => host.StartAsync(),
            Throws.InvalidOperationException.With.Message.Contains("'Neighbours'").And.Message.Contains("EmbedClassify:Neighbours").And.Message.Contains(nameof(FewShotClassifierOptions)));
    }

    [Test]
    public void HostStart_Throws_WhenTheStrategyIsUnknown()
    {
        using IHost host = BuildHost(new() { ["EmbedClassify:Strategy"] = "Nearest" });

        Assert.That(
            () => host.StartAsync(),
            Throws.InvalidOperationException.With.Message.Contains("EmbedClassify:Strategy").And.Message.Contains("Nearest"));
    }

    [Test]
    public async Task HostStart_Succeeds_WhenTheSettingsAreValid()
    {
        using IHost host = BuildHost(new() { ["EmbedClassify:Strategy"] = "Auto", ["EmbedClassify:Neighbors"] = "1" });

        await host.StartAsync();
        await host.StopAsync();

        Assert.That(host.Services.GetRequiredService<IOptions<FewShotClassifierOptions>>().Value.Strategy, Is.EqualTo(ClassificationStrategy.Auto));
    }

    [Test]
    public async Task HostStart_ValidatesOptionsSetByACallback()
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddEmbedClassify(o => o.MaxIterations = 0);
        using IHost host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.That(ex!.Message, Is.EqualTo("EmbedClassify:MaxIterations is 0; it must be at least 1."));
    }

    [Test]
    public void AddEmbedClassify_Twice_ReportsEachProblemOnce()
    {
        using ServiceProvider provider = new ServiceCollection()
            .AddEmbedClassify(o => o.Neighbors = 0)
            .AddEmbedClassify(o => o.Seed = 1)
            .BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => _ = provider.GetRequiredService<IOptions<FewShotClassifierOptions>>().Value);

        Assert.That(ex!.Failures, Has.Exactly(1).Items);
    }

    [Test]
    public async Task Factory_BuildsAWorkingClassifier_WithTheRegisteredGeneratorAndTheConfiguredStrategy()
    {
        var generator = BagOfWords.Generator();
        var services = new ServiceCollection()
            .AddEmbedClassify(o =>
            {
                o.Strategy = ClassificationStrategy.KNearestNeighbors;
                o.Neighbors = 1;
            });
        services.AddEmbeddingGenerator(generator);
        using ServiceProvider provider = services.BuildServiceProvider();

        IFewShotClassifierFactory factory = provider.GetRequiredService<IFewShotClassifierFactory>();
        FewShotClassifier classifier = await factory.CreateAsync(Examples);
        Prediction spam = await classifier.PredictAsync("free prize offer");
        Prediction ham = await classifier.PredictAsync("team meeting monday");

        Assert.Multiple(() =>
        {
            Assert.That(factory, Is.InstanceOf<FewShotClassifierFactory>());
            Assert.That(provider.GetRequiredService<IFewShotClassifierFactory>(), Is.SameAs(factory));
            Assert.That(classifier.Model.Strategy, Is.EqualTo(ClassificationStrategy.KNearestNeighbors));
            Assert.That(classifier.Labels, Is.EqualTo(new[] { "spam", "ham" }));
            Assert.That(spam.Label, Is.EqualTo("spam"));
            Assert.That(ham.Label, Is.EqualTo("ham"));
            Assert.That(generator.Calls, Has.Count.EqualTo(3), "one call to embed the examples, one per prediction");
        });
    }

    [Test]
    public async Task Factory_PassesUnlabeledTexts_ToKMeans()
    {
        var services = new ServiceCollection().AddEmbedClassify(o =>
        {
            o.Strategy = ClassificationStrategy.KMeans;
            o.Initialization = KMeansInitialization.ClassCentroids;
        });
        services.AddEmbeddingGenerator(BagOfWords.Generator());
        using ServiceProvider provider = services.BuildServiceProvider();

        FewShotClassifier classifier = await provider.GetRequiredService<IFewShotClassifierFactory>()
            .CreateAsync(Examples, ["free prize pills", "monday team notes"]);

        Assert.Multiple(() =>
        {
            Assert.That(classifier.Model.Strategy, Is.EqualTo(ClassificationStrategy.KMeans));
            Assert.That(classifier.Model.ExampleCount, Is.EqualTo(4));
        });
    }

    [Test]
    public void Factory_Throws_AClearMessage_WhenNoGeneratorIsRegistered()
    {
        using ServiceProvider provider = new ServiceCollection().AddEmbedClassify(_ => { }).BuildServiceProvider();

        Assert.That(
            () => provider.GetRequiredService<IFewShotClassifierFactory>(),
            Throws.InvalidOperationException.With.Message.Contains("AddEmbeddingGenerator"));
    }

    [Test]
    public async Task UseEmbeddingCache_UsesTheRegisteredStoreAndTheCacheSettings()
    {
        var inner = BagOfWords.Generator();
        var services = new ServiceCollection()
            .AddEmbedClassify(Json("""{ "EmbedClassify": { "Cache": { "BatchSize": 2 } } }""").GetSection("EmbedClassify"))
            .AddInMemoryEmbeddingCacheStore();
        services.AddEmbeddingGenerator(inner).UseEmbeddingCache();
        using ServiceProvider provider = services.BuildServiceProvider();

        FewShotClassifier first = await provider.GetRequiredService<IFewShotClassifierFactory>().CreateAsync(Examples);
        FewShotClassifier second = await provider.GetRequiredService<IFewShotClassifierFactory>().CreateAsync(Examples);

        Assert.Multiple(() =>
        {
            Assert.That(first.Generator.GetService<CachingEmbeddingGenerator>(), Is.Not.Null);
            Assert.That(inner.Calls.Select(c => c.Count), Is.EqualTo(new[] { 2, 2, 2 }), "four examples and two label names in batches of two, and nothing the second time");
            Assert.That(second.Labels, Is.EqualTo(first.Labels));
        });
    }

    [Test]
    public void AddEmbedClassify_ChecksItsArguments()
    {
        var services = new ServiceCollection();

        Assert.Multiple(() =>
        {
            Assert.That(() => EmbedClassifyServiceCollectionExtensions.AddEmbedClassify(null!, Json("{}")), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("services"));
            Assert.That(() => EmbedClassifyServiceCollectionExtensions.AddEmbedClassify(null!, _ => { }), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("services"));
            Assert.That(() => services.AddEmbedClassify((IConfiguration)null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("configuration"));
            Assert.That(() => services.AddEmbedClassify((Action<FewShotClassifierOptions>)null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("configure"));
            Assert.That(() => ((EmbeddingGeneratorBuilder<string, Embedding<float>>)null!).UseEmbeddingCache(), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("builder"));
        });
    }

    private static IConfiguration Json(string json) =>
        new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();

    private static IHost BuildHost(Dictionary<string, string?> settings, string section = "EmbedClassify")
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddEmbedClassify(builder.Configuration.GetSection(section));
        return builder.Build();
    }
}
