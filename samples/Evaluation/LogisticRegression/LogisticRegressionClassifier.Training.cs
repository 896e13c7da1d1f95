using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace EmbedClassify.Samples;

internal sealed partial class LogisticRegressionClassifier
{
    /// <summary>
    /// Fits the classifier and also returns ML.NET's own transformer, so tests can check the extracted weights against
    /// ML.NET's prediction engine.
    /// </summary>
    internal static (LogisticRegressionClassifier Classifier, ITransformer Model) FitCore(
        IEnumerable<LabeledEmbedding> examples,
        LogisticRegressionOptions? options)
    {
        ArgumentNullException.ThrowIfNull(examples);
        options = options?.Clone() ?? new LogisticRegressionOptions();

        LabeledEmbedding[] exampleList = [.. examples];
        if (exampleList.Length == 0)
        {
            throw new ArgumentException("At least one example is required.", nameof(examples));
        }

        int dimensions = exampleList[0].Vector.Length;
        var labels = new List<string>();
        var labelIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var classes = new int[exampleList.Length];
        var unit = new float[exampleList.Length][];
        for (int i = 0; i < exampleList.Length; i++)
        {
            string? label = exampleList[i].Label;
            if (string.IsNullOrWhiteSpace(label))
            {
                throw new ArgumentException(
                    $"examples[{i}] has a {(label is null ? "null" : "blank")} label; every example needs a label.",
                    nameof(examples));
            }

            unit[i] = Normalized(exampleList[i].Vector.Span, dimensions, i);
            if (!labelIndex.TryGetValue(label, out int classIndex))
            {
                classIndex = labels.Count;
                labelIndex.Add(label, classIndex);
                labels.Add(label);
            }

            classes[i] = classIndex;
        }

        if (labels.Count < 2)
        {
            throw new ArgumentException(
                $"Every example has the label '{labels[0]}'; a classifier needs examples of at least two classes.",
                nameof(examples));
        }

        float[]? mean = options.CenterOnTrainingMean ? Mean(unit, dimensions) : null;
        var rows = new TrainingRow[exampleList.Length];
        for (int i = 0; i < rows.Length; i++)
        {
            var features = new float[dimensions];
            _ = TryTransform(unit[i], features, mean);

            // Loading from objects shifts key values by one (0 becomes key 1, as key 0 means "missing"), so the
            // class index goes in as it is, and the trained rows come out in class order.
            rows[i] = new TrainingRow { Label = (uint)classes[i], Features = features };
        }

        var context = new MLContext(options.Seed);
        IDataView data = context.Data.LoadFromEnumerable(rows, TrainingRow.Schema(dimensions, labels.Count));
        var trainer = context.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options
        {
            L1Regularization = 0,
            L2Regularization = options.L2Regularization,
            MaximumNumberOfIterations = options.MaximumIterations,

            // Several threads would sum gradients in a varying order, and so break bit-for-bit reproducibility.
            NumberOfThreads = 1,
        });
        MulticlassPredictionTransformer<MaximumEntropyModelParameters> model = trainer.Fit(data);

        VBuffer<float>[] weightRows = [];
        model.Model.GetWeights(ref weightRows, out int classCount);

        // The label column's key type declares every class, so ML.NET returns one weight row per class, in class order.
        Debug.Assert(classCount == labels.Count, "ML.NET returned a weight row per declared key value.");

        var weights = new float[classCount * dimensions];
        for (int c = 0; c < classCount; c++)
        {
            weightRows[c].CopyTo(weights.AsSpan(c * dimensions, dimensions));
        }

        float[] biases = [.. model.Model.GetBiases()];
        var classifier = new LogisticRegressionClassifier([.. labels], dimensions, weights, biases, mean, options);
        return (classifier, model);
    }

    private static float[] Normalized(ReadOnlySpan<float> source, int dimensions, int index)
    {
        if (source.Length == 0)
        {
            throw new ArgumentException($"examples[{index}] is an empty vector.", "examples");
        }

        if (source.Length != dimensions)
        {
            throw new ArgumentException(
                $"examples[{index}] has {source.Length} dimensions but the first example has {dimensions}; all vectors must come from one embedding model.",
                "examples");
        }

        float[] vector = source.ToArray();
        float norm = VectorMath.Normalize(vector);
        if (!float.IsFinite(norm))
        {
            throw new ArgumentException($"examples[{index}] holds NaN or infinity.", "examples");
        }

        if (norm == 0)
        {
            throw new ArgumentException($"examples[{index}] is all zeros, which has no direction to compare.", "examples");
        }

        return vector;
    }

    private static float[] Mean(float[][] vectors, int dimensions)
    {
        // Summing in double keeps the mean of many unit vectors accurate to float precision.
        var sum = new double[dimensions];
        foreach (float[] vector in vectors)
        {
            for (int d = 0; d < dimensions; d++)
            {
                sum[d] += vector[d];
            }
        }

        var mean = new float[dimensions];
        for (int d = 0; d < dimensions; d++)
        {
            mean[d] = (float)(sum[d] / vectors.Length);
        }

        return mean;
    }

    /// <summary>One training row in the shape ML.NET's trainers read.</summary>
    internal sealed class TrainingRow
    {
        public uint Label { get; set; }

        public float[] Features { get; set; } = [];

        /// <summary>Describes the rows with their actual vector length and class count, which attributes cannot.</summary>
        internal static SchemaDefinition Schema(int dimensions, int classCount)
        {
            SchemaDefinition schema = SchemaDefinition.Create(typeof(TrainingRow));
            schema[nameof(Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, dimensions);
            schema[nameof(Label)].ColumnType = new KeyDataViewType(typeof(uint), classCount);
            return schema;
        }
    }
}
