using System.Numerics.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace EmbedClassify.Onnx;

/// <summary>
/// Runs a BERT-family ONNX graph and turns its token states into sentence embeddings (the model's pooling,
/// <see cref="SentencePooling"/>, then L2 normalization), as sentence-transformers does.
/// </summary>
/// <remarks>
/// <see cref="Embed"/> may be called from several threads at once: ONNX Runtime allows concurrent
/// <c>Run</c> calls on one session, and each call here owns its buffers. Callers must not call
/// <see cref="Embed"/> after or during <see cref="Dispose"/>.
/// </remarks>
internal sealed class SentenceEmbeddingModel : IDisposable
{
    private const string InputIds = "input_ids";
    private const string AttentionMask = "attention_mask";
    private const string TokenTypeIds = "token_type_ids";

    private readonly InferenceSession _session;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;

    private SentenceEmbeddingModel(InferenceSession session, SentencePooling pooling)
    {
        _session = session;
        Pooling = pooling;

        var inputs = new List<string>(3) { InputIds };
        foreach (string name in session.InputMetadata.Keys)
        {
            if (name is not InputIds and not AttentionMask and not TokenTypeIds)
            {
                throw new NotSupportedException(
                    $"The ONNX model has an input named '{name}'; only '{InputIds}', '{AttentionMask}' and '{TokenTypeIds}' are supported.");
            }
        }

        if (!session.InputMetadata.ContainsKey(InputIds))
        {
            throw new NotSupportedException($"The ONNX model has no '{InputIds}' input, so it is not a BERT-family encoder.");
        }

        HasAttentionMask = session.InputMetadata.ContainsKey(AttentionMask);
        HasTokenTypeIds = session.InputMetadata.ContainsKey(TokenTypeIds);
        if (HasAttentionMask)
        {
            inputs.Add(AttentionMask);
        }

        if (HasTokenTypeIds)
        {
            inputs.Add(TokenTypeIds);
        }

        _inputNames = [.. inputs];

        // Only the token states: other outputs (e.g. BERT's tanh pooler) are not the sentence
        // embedding, and asking for them costs time.
        (string output, int dimensions) = FindTokenStatesOutput(session);
        _outputNames = [output];
        Dimensions = dimensions > 0 ? dimensions : Probe();
    }

    /// <summary>Gets the length of each embedding.</summary>
    public int Dimensions { get; }

    /// <summary>Gets how token states become the sentence vector.</summary>
    public SentencePooling Pooling { get; }

    /// <summary>Gets a value indicating whether the graph takes an attention mask.</summary>
    public bool HasAttentionMask { get; }

    /// <summary>Gets a value indicating whether the graph takes token type ids.</summary>
    public bool HasTokenTypeIds { get; }

    /// <summary>Loads a model from ONNX bytes.</summary>
    public static SentenceEmbeddingModel Create(byte[] model, int intraOpThreads, SentencePooling pooling = SentencePooling.Mean) =>
        Create(options => new InferenceSession(model, options), intraOpThreads, pooling);

    /// <summary>Loads a model from an ONNX file.</summary>
    public static SentenceEmbeddingModel Create(string modelPath, int intraOpThreads, SentencePooling pooling = SentencePooling.Mean) =>
        Create(options => new InferenceSession(modelPath, options), intraOpThreads, pooling);

    /// <summary>
    /// Embeds one batch: every row is padded to the batch's longest row, run once, pooled and
    /// normalized into <paramref name="destination"/> at the row's input index.
    /// </summary>
    /// <param name="tokens">Token ids of all texts, by input index.</param>
    /// <param name="batch">The input indexes of the rows of this batch.</param>
    /// <param name="destination">Receives one new vector per row, at the row's input index.</param>
    public void Embed(int[][] tokens, int[] batch, float[][] destination)
    {
        int rows = batch.Length;
        int sequence = 0;
        foreach (int index in batch)
        {
            sequence = Math.Max(sequence, tokens[index].Length);
        }

        // Padding id and mask are both zero, so fresh arrays already hold the padding.
        var ids = new long[rows * sequence];
        var mask = new long[rows * sequence];
        for (int row = 0; row < rows; row++)
        {
            int[] rowTokens = tokens[batch[row]];
            Span<long> rowIds = ids.AsSpan(row * sequence, rowTokens.Length);
            for (int t = 0; t < rowTokens.Length; t++)
            {
                rowIds[t] = rowTokens[t];
            }

            mask.AsSpan(row * sequence, rowTokens.Length).Fill(1);
        }

        using IDisposableReadOnlyCollection<OrtValue> outputs = Run(ids, mask, [rows, sequence]);
        ReadOnlySpan<float> states = outputs[0].GetTensorDataAsSpan<float>();

        int dimensions = Dimensions;
        for (int row = 0; row < rows; row++)
        {
            var vector = new float[dimensions];
            int length = tokens[batch[row]].Length;
            ReadOnlySpan<float> rowStates = states.Slice(row * sequence * dimensions, length * dimensions);
            if (Pooling == SentencePooling.Cls)
            {
                // [CLS] is position 0 of every row; padding after the row never reaches it through the mask.
                rowStates[..dimensions].CopyTo(vector);
            }
            else
            {
                // Real tokens are a prefix of each row, so the masked mean is the mean of that prefix;
                // dividing by the count is skipped because normalization cancels it.
                for (int t = 0; t < length; t++)
                {
                    TensorPrimitives.Add(vector, rowStates.Slice(t * dimensions, dimensions), vector);
                }
            }

            float norm = TensorPrimitives.Norm(vector);

            // The same floor as sentence-transformers' Normalize layer keeps an all-zero vector finite.
            TensorPrimitives.Divide(vector, MathF.Max(norm, 1e-12f), vector);
            destination[batch[row]] = vector;
        }
    }

    /// <summary>Releases the ONNX Runtime session.</summary>
    public void Dispose() => _session.Dispose();

    private static SentenceEmbeddingModel Create(Func<SessionOptions, InferenceSession> open, int intraOpThreads, SentencePooling pooling)
    {
        // ORT copies what it needs from the options when the session is created.
        using var options = new SessionOptions
        {
            IntraOpNumThreads = intraOpThreads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,

            // Measured speed-neutral for variable-length batches while cutting peak memory.
            EnableMemoryPattern = false,
        };

        InferenceSession session = open(options);
        try
        {
            return new SentenceEmbeddingModel(session, pooling);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private static (string Name, int Dimensions) FindTokenStatesOutput(InferenceSession session)
    {
        foreach (string preferred in (ReadOnlySpan<string>)["last_hidden_state", "token_embeddings"])
        {
            if (session.OutputMetadata.TryGetValue(preferred, out NodeMetadata? metadata))
            {
                return (preferred, metadata.Dimensions[^1]);
            }
        }

        foreach ((string name, NodeMetadata metadata) in session.OutputMetadata)
        {
            if (metadata.ElementType == typeof(float) && metadata.Dimensions.Length == 3)
            {
                return (name, metadata.Dimensions[^1]);
            }
        }

        throw new NotSupportedException("The ONNX model has no float output of shape [batch, sequence, hidden] to pool into sentence embeddings.");
    }

    private int Probe()
    {
        // The graph leaves the hidden size symbolic, so ask it once; any valid id will do.
        using IDisposableReadOnlyCollection<OrtValue> outputs = Run(new long[2], [1, 1], [1, 2]);
        return (int)outputs[0].GetTensorTypeAndShape().Shape[^1];
    }

    private IDisposableReadOnlyCollection<OrtValue> Run(long[] ids, long[] mask, long[] shape)
    {
        var values = new List<OrtValue>(3);
        try
        {
            values.Add(OrtValue.CreateTensorValueFromMemory(ids, shape));
            if (HasAttentionMask)
            {
                values.Add(OrtValue.CreateTensorValueFromMemory(mask, shape));
            }

            if (HasTokenTypeIds)
            {
                // Single-sequence input: every token belongs to segment 0.
                values.Add(OrtValue.CreateTensorValueFromMemory(new long[ids.Length], shape));
            }

            using var runOptions = new RunOptions();
            return _session.Run(runOptions, _inputNames, values, _outputNames);
        }
        finally
        {
            foreach (OrtValue value in values)
            {
                value.Dispose();
            }
        }
    }
}
