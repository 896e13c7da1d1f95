using EmbedClassify.Tests.TestDoubles;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EmbedClassify.Tests.DependencyInjection;

public class FewShotClassifierFactoryTests
{
    private static readonly LabeledExample[] Examples =
    [
        new("win a free prize now", "spam"),
        new("meeting notes for monday", "ham"),
    ];

    [Test]
    public void Constructor_ChecksItsArguments()
    {
        var options = new StaticOptionsMonitor(new FewShotClassifierOptions());

        Assert.Multiple(() =>
        {
            Assert.That(() => new FewShotClassifierFactory(null!, options), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("generator"));
            Assert.That(() => new FewShotClassifierFactory(BagOfWords.Generator(), null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("options"));
        });
    }

    [Test]
    public void CreateAsync_ChecksItsArguments()
    {
        var factory = new FewShotClassifierFactory(BagOfWords.Generator(), new StaticOptionsMonitor(new FewShotClassifierOptions()));

        Assert.Multiple(() =>
        {
            Assert.That(() => factory.CreateAsync(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("examples"));
            Assert.That(() => factory.CreateAsync(Examples, null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("unlabeledTexts"));
        });
    }

    [Test]
    public async Task CreateAsync_ReadsTheCurrentOptions_OnEveryCall()
    {
        var options = new FewShotClassifierOptions();
        var factory = new FewShotClassifierFactory(BagOfWords.Generator(), new StaticOptionsMonitor(options));

        FewShotClassifier before = await factory.CreateAsync(Examples);
        options.Strategy = ClassificationStrategy.KNearestNeighbors;
        FewShotClassifier after = await factory.CreateAsync(Examples);

        Assert.Multiple(() =>
        {
            Assert.That(before.Model.Strategy, Is.EqualTo(ClassificationStrategy.NearestCentroid));
            Assert.That(after.Model.Strategy, Is.EqualTo(ClassificationStrategy.KNearestNeighbors));
        });
    }

    [Test]
    public async Task CreateAsync_LogsASummary_WithoutAnyText()
    {
        var logger = new ListLogger();
        var factory = new FewShotClassifierFactory(BagOfWords.Generator(), new StaticOptionsMonitor(new FewShotClassifierOptions()), new TypedLogger(logger));

        await factory.CreateAsync(Examples);

        (LogLevel level, string message, _) = logger.Entries.Single();
        Assert.Multiple(() =>
        {
            Assert.That(level, Is.EqualTo(LogLevel.Information));
            Assert.That(message, Does.StartWith("Created a NearestCentroid classifier with 2 classes from 2 examples in "));
            Assert.That(message, Does.Not.Contain("prize").And.Not.Contain("spam"));
        });
    }

    private sealed class StaticOptionsMonitor(FewShotClassifierOptions value) : IOptionsMonitor<FewShotClassifierOptions>
    {
        public FewShotClassifierOptions CurrentValue => value;

        public FewShotClassifierOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<FewShotClassifierOptions, string?> listener) => null;
    }

    private sealed class TypedLogger(ListLogger inner) : ILogger<FewShotClassifierFactory>
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            inner.Log(logLevel, eventId, state, exception, formatter);
    }
}
