using EmbedClassify.Tests.TestDoubles;

namespace EmbedClassify.Tests.Monitoring;

/// <summary>
/// <see cref="DriftMonitor"/> used the way a careless or hostile caller would: extreme settings, handlers that throw,
/// every member at once from many threads.
/// </summary>
public class DriftMonitorProbeTests
{
    [TestCase(1e-12)]
    [TestCase(1e-300)]
    [TestCase(double.Epsilon)]
    public void ATinyFalseAlarmRate_GivesThresholds_AndKeepsObserving(double rate)
    {
        var classes = new SyntheticClasses(classCount: 3, examplesPerClass: 4);
        using var monitor = new DriftMonitor(classes.Classifier, new DriftMonitorOptions { WindowSize = 100, MinimumPredictions = 20, FalseAlarmRate = rate });
        var raised = new List<DriftSignal>();
        monitor.DriftDetected += (_, e) => raised.Add(e.Signal);
        for (int i = 0; i < 100; i++)
        {
            monitor.Observe(classes.PredictInClass(i % 3));
        }

        DriftSnapshot steady = monitor.GetSnapshot();
        for (int i = 0; i < 100; i++)
        {
            monitor.Observe(classes.PredictInClass(0));
        }

        DriftSnapshot skewed = monitor.GetSnapshot();
        Assert.Multiple(() =>
        {
            Assert.That(double.IsNaN(steady.MeanConfidenceThreshold), Is.False, "confidence threshold");
            Assert.That(double.IsNaN(steady.ClassMixChiSquareThreshold), Is.False, "class-mix threshold");
            Assert.That(double.IsNaN(steady.SimilarityShiftThreshold), Is.False, "similarity threshold");
            Assert.That(skewed.ClassMixChiSquare, Is.GreaterThan(50), "every prediction of one class of three");
        });
    }

    [TestCase(nameof(DriftMonitorOptions.WindowSize), 0)]
    [TestCase(nameof(DriftMonitorOptions.WindowSize), -1)]
    [TestCase(nameof(DriftMonitorOptions.WindowSize), int.MinValue)]
    [TestCase(nameof(DriftMonitorOptions.MinimumPredictions), -10)]
    [TestCase(nameof(DriftMonitorOptions.MinimumPredictions), int.MaxValue)]
    [TestCase(nameof(DriftMonitorOptions.FalseAlarmRate), -0.1)]
    [TestCase(nameof(DriftMonitorOptions.FalseAlarmRate), double.PositiveInfinity)]
    [TestCase(nameof(DriftMonitorOptions.FalseAlarmRate), double.NegativeInfinity)]
    [TestCase(nameof(DriftMonitorOptions.FalseAlarmRate), 1.0)]
    [TestCase(nameof(DriftMonitorOptions.Name), null)]
    [TestCase(nameof(DriftMonitorOptions.Name), "")]
    [TestCase(nameof(DriftMonitorOptions.Name), "\t\n")]
    public void ABadSetting_IsRefusedNamingOptionsAndTheSetting(string setting, object? value)
    {
        var options = new DriftMonitorOptions();
        typeof(DriftMonitorOptions).GetProperty(setting)!.SetValue(options, value);
        var classes = new SyntheticClasses(classCount: 2, examplesPerClass: 2);

        var ex = Assert.Throws<ArgumentException>(() => new DriftMonitor(classes.Classifier, options));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.ParamName, Is.EqualTo("options"));
            Assert.That(ex.Message, Does.StartWith(setting + " is"));
        });
    }

    [Test]
    public void AWindowTooLargeToAllocate_IsRefusedNamingOptions()
    {
        var classes = new SyntheticClasses(classCount: 2, examplesPerClass: 2);

        var ex = Assert.Throws<ArgumentException>(() => new DriftMonitor(classes.Classifier, new DriftMonitorOptions { WindowSize = int.MaxValue }));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.ParamName, Is.EqualTo("options"));
            Assert.That(ex.Message, Does.StartWith("WindowSize is"));
        });
    }

    [Test]
    public void AHandlerThatThrows_ReachesTheCaller_AndLeavesTheMonitorCountingAndRaising()
    {
        var classes = new SyntheticClasses(classCount: 3, examplesPerClass: 4);
        using var monitor = new DriftMonitor(classes.Classifier, new DriftMonitorOptions { WindowSize = 50, MinimumPredictions = 10 });
        int calls = 0;
        monitor.DriftDetected += (_, _) =>
        {
            calls++;
            throw new InvalidOperationException("handler failed");
        };
        for (int i = 0; i < 50; i++)
        {
            monitor.Observe(classes.PredictInClass(i % 3));
        }

        int thrown = 0;
        for (int i = 0; i < 100; i++)
        {
            try
            {
                monitor.Observe(classes.PredictInClass(0));
            }
            catch (InvalidOperationException)
            {
                thrown++;
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(thrown, Is.EqualTo(calls).And.GreaterThan(0));
            Assert.That(monitor.GetSnapshot().TotalCount, Is.EqualTo(150), "every prediction counted, even those whose handler threw");
            Assert.That(monitor.GetSnapshot().WindowCount, Is.EqualTo(50));
        });
    }

    [Test]
    public void AHandlerThatThrows_DoesNotSwallowTheOtherSignalCrossedByTheSamePrediction()
    {
        var classes = new SyntheticClasses(classCount: 2, examplesPerClass: 2, detectUnknown: true);
        const int window = 40;
        using var monitor = new DriftMonitor(classes.Classifier, new DriftMonitorOptions { WindowSize = window, MinimumPredictions = 10 });
        var raised = new List<DriftSignal>();
        monitor.DriftDetected += (_, e) =>
        {
            raised.Add(e.Signal);
            throw new InvalidOperationException("handler failed on " + e.Signal);
        };
        Prediction Made(int i, float score, bool unknown) =>
            new(SyntheticClasses.Label(i % 2), score, [new(SyntheticClasses.Label(0), 0.5f), new(SyntheticClasses.Label(1), 0.5f)]) { IsUnknown = unknown };

        // A baseline of one confidence (no spread: any lower mean crosses) and no unknown text.
        for (int i = 0; i < window; i++)
        {
            monitor.Observe(Made(i, 0.9f, unknown: false));
        }

        // Unknown texts at the same confidence, up to one short of the unknown-share threshold, then one that crosses
        // both it and the confidence threshold.
        double shareThreshold = monitor.GetSnapshot().UnknownShareThreshold;
        int belowThreshold = (int)Math.Floor(shareThreshold * window);
        if (belowThreshold / (double)window > shareThreshold)
        {
            belowThreshold--;
        }

        for (int i = 0; i < belowThreshold; i++)
        {
            monitor.Observe(Made(i, 0.9f, unknown: true));
        }

        Assert.That(raised, Is.Empty);
        var ex = Assert.Throws<InvalidOperationException>(() => monitor.Observe(Made(0, 0.5f, unknown: true)));

        Assert.Multiple(() =>
        {
            Assert.That(raised, Is.EquivalentTo(new[] { DriftSignal.UnknownShare, DriftSignal.Confidence }), "both crossings reach the handler");
            Assert.That(ex!.Message, Does.StartWith("handler failed on " + raised[0]), "the first handler's exception reaches the caller");
            Assert.That(monitor.GetSnapshot().TotalCount, Is.EqualTo(window + belowThreshold + 1));
        });
    }

    [Test]
    public void EveryMember_FromManyThreadsAtOnce_KeepsCountsExact()
    {
        var classes = new SyntheticClasses(classCount: 4, examplesPerClass: 3);
        Prediction[] predictions = [.. Enumerable.Range(0, 400).Select(i => classes.PredictInClass(i % 4))];
        var monitor = new DriftMonitor(classes.Classifier, new DriftMonitorOptions { WindowSize = 64, MinimumPredictions = 10 });
        monitor.DriftDetected += (_, _) => { };
        const int threads = 8;
        const int perThread = 5_000;

        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            for (int i = 0; i < perThread; i++)
            {
                monitor.Observe(predictions[(i * 7 + t) % predictions.Length]);
                if (i % 500 == t)
                {
                    _ = monitor.GetSnapshot();
                    _ = monitor.HasBaseline;
                    monitor.ResetBaseline();
                }

                if (t == 0 && i == perThread / 2)
                {
                    monitor.Dispose();
                }
            }
        });

        DriftSnapshot snapshot = monitor.GetSnapshot();
        Assert.Multiple(() =>
        {
            Assert.That(snapshot.TotalCount, Is.EqualTo(threads * perThread));
            Assert.That(snapshot.WindowCount, Is.EqualTo(64));
            Assert.That(snapshot.MeanConfidence, Is.InRange(0, 1));
        });
        monitor.Dispose();
    }

    [Test]
    public async Task AClassifierWithNoneExamplesAndAPool_IsMonitored_AfterASaveAndLoad()
    {
        var random = new Random(8);
        var vectors = new Dictionary<string, float[]>();
        var examples = new List<LabeledExample>();
        for (int i = 0; i < 5; i++)
        {
            foreach ((string label, float[] direction) in new[] { ("a", Vectors.AtAngle(0)), ("b", Vectors.AtAngle(90)), ("none", Vectors.AtAngle(200)) })
            {
                vectors[$"{label}{i}"] = Vectors.Near(direction, 0.1, random);
                examples.Add(new($"{label}{i}", label));
            }

            vectors[$"pool{i}"] = Vectors.Near(Vectors.AtAngle(i * 40), 0.1, random);
        }

        var generator = new ScriptedEmbeddingGenerator(
            (texts, _, _) => Task.FromResult<IReadOnlyList<float[]>>([.. texts.Select(t => vectors.TryGetValue(t, out float[]? v) ? v : Vectors.Near(Vectors.AtAngle(45), 0.3, random))]),
            new Microsoft.Extensions.AI.EmbeddingGeneratorMetadata("test", null, "angles", vectors["a0"].Length));
        FewShotClassifier classifier = await FewShotClassifier.CreateAsync(
            generator, examples, Enumerable.Range(0, 5).Select(i => $"pool{i}"), new FewShotClassifierOptions { NoneLabel = "none", DetectUnknown = true });
        using var stream = new MemoryStream();
        await classifier.SaveAsync(stream);
        stream.Position = 0;
        FewShotClassifier loaded = await FewShotClassifier.LoadAsync(generator, stream);

        foreach (FewShotClassifier monitored in new[] { classifier, loaded })
        {
            using var monitor = new DriftMonitor(monitored, new DriftMonitorOptions { WindowSize = 20, MinimumPredictions = 10 });
            foreach (Prediction prediction in await monitored.PredictBatchAsync([.. Enumerable.Range(0, 30).Select(i => $"text {i}")]))
            {
                monitor.Observe(prediction);
            }

            Assert.Multiple(() =>
            {
                Assert.That(monitor.Labels, Is.EqualTo(new[] { "a", "b" }));
                Assert.That(monitor.CanCheckSimilarity, Is.True);
                Assert.That(monitor.GetSnapshot().TotalCount, Is.EqualTo(30));
                Assert.That(monitor.GetSnapshot().ClassMixDistance, Is.InRange(0, 1));
            });
        }
    }

    [Test]
    public void APredictionOfAnotherClassifier_WithOtherLabels_IsRefused_AndNotCounted()
    {
        var mine = new SyntheticClasses(classCount: 2, examplesPerClass: 2);
        var other = new SyntheticClasses(classCount: 5, examplesPerClass: 2, seed: 3);
        using var monitor = new DriftMonitor(mine.Classifier);

        Prediction foreign = other.PredictInClass(4);

        Assert.That(() => monitor.Observe(foreign), Throws.ArgumentException.With.Property("ParamName").EqualTo("prediction"));
        Assert.That(monitor.GetSnapshot().TotalCount, Is.Zero);
    }
}
