using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using EmbedClassify.Tests.Classification;
using EmbedClassify.Tests.TestDoubles;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EmbedClassify.Tests.DependencyInjection;

/// <summary>
/// Every option of <see cref="FewShotClassifierOptions"/> binds from configuration (found by reflection, so that a new
/// option cannot be forgotten), and the factory builds the same classifier as <see cref="FewShotClassifier.CreateAsync(IEmbeddingGenerator{string, Embedding{float}}, IEnumerable{LabeledExample}, IEnumerable{string}, FewShotClassifierOptions?, CancellationToken)"/>.
/// </summary>
public class FewShotClassifierOptionsBindingTests
{
    private static readonly LabeledExample[] Examples =
    [
        new("win a free prize now", "spam"),
        new("cheap pills free offer", "spam"),
        new("claim your free cash", "spam"),
        new("meeting notes for monday", "ham"),
        new("lunch with the team on monday", "ham"),
        new("the report is due on friday", "ham"),
        new("the weather is lovely", "other"),
    ];

    private static readonly string[] Unlabeled = ["free cash prize", "team meeting friday", "cheap offer now", "notes for the report"];

    private static readonly string[] Queries = ["free prize", "monday meeting", "cash offer", "the report", "zebra"];

    public static IEnumerable<TestCaseData> SettableProperties() =>
        typeof(FewShotClassifierOptions)
            .GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true })
            .Select(p => new TestCaseData(p.Name).SetArgDisplayNames(p.Name));

    [Test]
    public void FewShotClassifierOptions_HasSettableProperties_ForTheBindingTestToCover()
    {
        Assert.That(SettableProperties().Count(), Is.GreaterThanOrEqualTo(14));
    }

    [TestCaseSource(nameof(SettableProperties))]
    public void AddEmbedClassify_BindsTheProperty_FromConfiguration(string name)
    {
        // Arrange: a value other than the default, written as configuration would hold it.
        PropertyInfo property = typeof(FewShotClassifierOptions).GetProperty(name)!;
        object? defaultValue = property.GetValue(new FewShotClassifierOptions());
        (Dictionary<string, string?> settings, object expected) = NonDefault(property, defaultValue);
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using ServiceProvider provider = new ServiceCollection().AddEmbedClassify(configuration.GetSection("EmbedClassify")).BuildServiceProvider();

        // Act
        FewShotClassifierOptions bound = provider.GetRequiredService<IOptions<FewShotClassifierOptions>>().Value;

        // Assert
        Assert.That(expected, Is.Not.EqualTo(defaultValue), "the test value must differ from the default, or binding could be a no-op");
        Assert.That(property.GetValue(bound), Is.EqualTo(expected));
    }

    [Test]
    public async Task FactoryBuiltClassifier_EqualsCreateAsync_WithTheSameOptions_BitForBit()
    {
        // Arrange: options in configuration and the same options in code.
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["EmbedClassify:WordWeight"] = "0.5",
            ["EmbedClassify:UnlabeledWeight"] = "12",
            ["EmbedClassify:Seed"] = "9",
            ["EmbedClassify:DetectUnknown"] = "true",
            ["EmbedClassify:NoneLabel"] = "other",
            ["EmbedClassify:LabelDescriptionWeight"] = "2",
            ["EmbedClassify:LabelDescriptions:spam"] = "unwanted advertising",
        }).Build();
        var inCode = new FewShotClassifierOptions { WordWeight = 0.5, UnlabeledWeight = 12, Seed = 9, DetectUnknown = true, NoneLabel = "other", LabelDescriptionWeight = 2 };
        inCode.LabelDescriptions["spam"] = "unwanted advertising";
        ScriptedEmbeddingGenerator generator = FewShotClassifierConfigurationsTests.NewGenerator();
        using ServiceProvider provider = new ServiceCollection()
            .AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(generator)
            .AddEmbedClassify(configuration.GetSection("EmbedClassify"))
            .BuildServiceProvider();
        IFewShotClassifierFactory factory = provider.GetRequiredService<IFewShotClassifierFactory>();

        // Act
        FewShotClassifier fromFactory = await factory.CreateAsync(Examples, Unlabeled);
        FewShotClassifier direct = await FewShotClassifier.CreateAsync(generator, Examples, Unlabeled, inCode);
        FewShotClassifier defaults = await FewShotClassifier.CreateAsync(generator, Examples, Unlabeled);

        // Assert
        string[] expected = FewShotClassifierConfigurationsTests.Bits(await direct.PredictBatchAsync(Queries));
        Assert.Multiple(async () =>
        {
            Assert.That(FewShotClassifierConfigurationsTests.Bits(await fromFactory.PredictBatchAsync(Queries)), Is.EqualTo(expected));
            Assert.That(
                FewShotClassifierConfigurationsTests.Bits(await defaults.PredictBatchAsync(Queries)),
                Is.Not.EqualTo(expected),
                "the options change the predictions, so equal predictions show that the same options were used");
            Assert.That(fromFactory.Views, Is.EqualTo(direct.Views));
            Assert.That(fromFactory.Temperature, Is.EqualTo(direct.Temperature));
            Assert.That(fromFactory.UnknownThreshold, Is.EqualTo(direct.UnknownThreshold));
            Assert.That(fromFactory.UnlabeledCount, Is.EqualTo(Unlabeled.Length));
            Assert.That(fromFactory.Options.LabelDescriptions, Is.EquivalentTo(inCode.LabelDescriptions));
        });
    }

    /// <summary>Returns configuration that sets <paramref name="property"/> to a valid value other than its default, and that value.</summary>
    private static (Dictionary<string, string?> Settings, object Expected) NonDefault(PropertyInfo property, object? defaultValue)
    {
        string key = "EmbedClassify:" + property.Name;
        Type type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        if (type.IsEnum)
        {
            object value = Enum.GetValues(type).Cast<object>().First(v => !v.Equals(defaultValue));
            return (new() { [key] = value.ToString() }, value);
        }

        if (type == typeof(int))
        {
            int value = (defaultValue as int? ?? 0) + 7;
            return (new() { [key] = value.ToString(CultureInfo.InvariantCulture) }, value);
        }

        if (type == typeof(double))
        {
            double value = (double)defaultValue! + 0.5;
            return (new() { [key] = value.ToString(CultureInfo.InvariantCulture) }, value);
        }

        if (type == typeof(bool))
        {
            bool value = !(bool)defaultValue!;
            return (new() { [key] = value.ToString() }, value);
        }

        if (type == typeof(string))
        {
            return (new() { [key] = "other" }, "other");
        }

        if (type == typeof(IDictionary<string, string>))
        {
            var value = new Dictionary<string, string>(StringComparer.Ordinal) { ["billing"] = "questions about invoices" };
            return (new() { [key + ":billing"] = "questions about invoices" }, value);
        }

        Assert.Fail($"{property.Name} is of type {property.PropertyType}, which this test cannot yet write as configuration; teach {nameof(NonDefault)} how.");
        throw new UnreachableException();
    }
}
