using System.Buffers;
using System.Numerics.Tensors;

namespace EmbedClassify.FineTuning;

/// <summary>
/// The BERT encoder's forward and backward passes over a batch of token-id sequences laid end to end without padding
/// (see <see cref="TokenBatch"/>): every linear layer is one <see cref="Gemm"/> call over all the batch's tokens, and
/// attention runs per sequence and head, in parallel. The output is each sequence's mean-pooled, not normalised,
/// final hidden state.
/// </summary>
internal static partial class BertEncoder
{
    // Rows of a [tokens, intermediate] matrix per parallel GELU work item: enough work to outweigh scheduling.
    private const int GeluRowsPerItem = 32;

    /// <summary>
    /// Runs the encoder in inference mode (nothing kept; buffers come from <see cref="ArrayPool{T}"/> and go back)
    /// and returns the mean-pooled sentence vectors, [sequences, hidden] row-major.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="weights"/> or <paramref name="ids"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="ids"/> is not a valid batch (see <see cref="TokenBatch.Create"/>).</exception>
    public static float[] Forward(BertWeights weights, int[][] ids)
    {
        ArgumentNullException.ThrowIfNull(weights);
        BertConfiguration configuration = weights.Configuration;
        TokenBatch batch = TokenBatch.Create(configuration, ids);
        int hiddenLength = batch.TokenCount * configuration.HiddenSize;
        ArrayPool<float> pool = ArrayPool<float>.Shared;
        var hidden = new float[8][];
        for (int i = 0; i < hidden.Length; i++)
        {
            hidden[i] = pool.Rent(hiddenLength);
        }

        float[] intermediate = pool.Rent(batch.TokenCount * configuration.IntermediateSize);
        try
        {
            Embed(weights, batch, hidden[0], null, null);
            float[] input = hidden[0];
            float[] output = hidden[1];
            foreach (BertLayerWeights layer in weights.Layers)
            {
                var buffers = new LayerBuffers(input, output, hidden[2], hidden[3], hidden[4], hidden[5], null, null, hidden[6], intermediate, intermediate, null, null, hidden[7]);
                LayerForward(layer, configuration, batch, buffers);
                (input, output) = (output, input);
            }

            var pooled = new float[batch.Count * configuration.HiddenSize];
            MeanPool(batch, input, configuration.HiddenSize, pooled);
            return pooled;
        }
        finally
        {
            foreach (float[] array in hidden)
            {
                pool.Return(array);
            }

            pool.Return(intermediate);
        }
    }

    /// <summary>
    /// Runs the encoder in training mode: writes the mean-pooled sentence vectors to <paramref name="pooled"/>
    /// ([sequences, hidden]) and keeps in <paramref name="cache"/> the activations the backward pass needs for
    /// <paramref name="scope"/> (layers below the lowest one the backward pass reaches keep nothing).
    /// </summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="cache"/> or <paramref name="scope"/> belongs to another configuration, or <paramref name="pooled"/>
    /// is not sequences × hidden long.
    /// </exception>
    public static void ForwardTraining(BertWeights weights, TokenBatch batch, BertTrainingScope scope, BertActivationCache cache, Span<float> pooled)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(cache);
        BertConfiguration configuration = weights.Configuration;
        if (cache.Configuration != configuration)
        {
            throw new ArgumentException("The cache was made for another configuration.", nameof(cache));
        }

        if (scope.LayerCount != configuration.LayerCount)
        {
            throw new ArgumentException("The scope was made for another configuration.", nameof(scope));
        }

        int hiddenSize = configuration.HiddenSize;
        if (pooled.Length != batch.Count * hiddenSize)
        {
            throw new ArgumentException($"Expected {batch.Count * hiddenSize} floats (sequences × hidden).", nameof(pooled));
        }

        int tokens = batch.TokenCount;
        int hiddenLength = tokens * hiddenSize;
        int intermediateLength = tokens * configuration.IntermediateSize;
        int layerCount = configuration.LayerCount;
        int keepFrom = scope.LowestBackwardLayer;
        cache.Batch = batch;
        cache.Scope = scope;
        GrowOnlyBuffer[] scratch = cache.HiddenScratch;
        float[] ping = scratch[0].GetArray(hiddenLength);
        float[] pong = scratch[1].GetArray(hiddenLength);
        float[] embedded = keepFrom == 0 ? cache.Layers[0].Input.GetArray(hiddenLength) : ping;
        Embed(
            weights,
            batch,
            embedded,
            scope.TrainEmbeddings ? cache.EmbeddingNormalized.GetArray(hiddenLength) : null,
            scope.TrainEmbeddings ? cache.EmbeddingInverseDeviation.GetArray(tokens) : null);
        float[] input = embedded;
        for (int layer = 0; layer < layerCount; layer++)
        {
            float[] output = layer + 1 < layerCount && layer + 1 >= keepFrom
                ? cache.Layers[layer + 1].Input.GetArray(hiddenLength)
                : ReferenceEquals(input, ping) ? pong : ping;
            LayerBuffers buffers;
            if (layer >= keepFrom)
            {
                BertLayerActivations kept = cache.Layers[layer];
                buffers = new LayerBuffers(
                    input,
                    output,
                    kept.Query.GetArray(hiddenLength),
                    kept.Key.GetArray(hiddenLength),
                    kept.Value.GetArray(hiddenLength),
                    kept.Context.GetArray(hiddenLength),
                    kept.AttentionNormalized.GetArray(hiddenLength),
                    kept.AttentionInverseDeviation.GetArray(tokens),
                    scratch[7].GetArray(hiddenLength),
                    kept.Intermediate.GetArray(intermediateLength),
                    cache.IntermediateScratch[0].GetArray(intermediateLength),
                    kept.OutputNormalized.GetArray(hiddenLength),
                    kept.OutputInverseDeviation.GetArray(tokens),
                    scratch[2].GetArray(hiddenLength));
            }
            else
            {
                float[] intermediate = cache.IntermediateScratch[0].GetArray(intermediateLength);
                buffers = new LayerBuffers(
                    input,
                    output,
                    scratch[3].GetArray(hiddenLength),
                    scratch[4].GetArray(hiddenLength),
                    scratch[5].GetArray(hiddenLength),
                    scratch[6].GetArray(hiddenLength),
                    null,
                    null,
                    scratch[7].GetArray(hiddenLength),
                    intermediate,
                    intermediate,
                    null,
                    null,
                    scratch[2].GetArray(hiddenLength));
            }

            LayerForward(weights.Layers[layer], configuration, batch, buffers);
            input = output;
        }

        MeanPool(batch, input, hiddenSize, pooled);
    }

    private static void Embed(BertWeights weights, TokenBatch batch, float[] output, float[]? normalized, float[]? inverseDeviation)
    {
        BertConfiguration configuration = weights.Configuration;
        int hidden = configuration.HiddenSize;
        ReadOnlySpan<float> tokenType = weights.TokenTypeEmbeddings.AsSpan(0, hidden);
        for (int s = 0; s < batch.Count; s++)
        {
            int offset = batch.Offsets[s];
            for (int position = 0; position < batch.Lengths[s]; position++)
            {
                int token = offset + position;
                Span<float> row = output.AsSpan(token * hidden, hidden);
                TensorPrimitives.Add(
                    weights.WordEmbeddings.AsSpan(batch.Ids[token] * hidden, hidden),
                    weights.PositionEmbeddings.AsSpan(position * hidden, hidden),
                    row);
                TensorPrimitives.Add(row, tokenType, row);
            }
        }

        int length = batch.TokenCount * hidden;
        LayerNorm.Forward(
            output.AsSpan(0, length),
            weights.EmbeddingNormScale,
            weights.EmbeddingNormBias,
            configuration.LayerNormEpsilon,
            batch.TokenCount,
            output.AsSpan(0, length),
            normalized is null ? default : normalized.AsSpan(0, length),
            inverseDeviation is null ? default : inverseDeviation.AsSpan(0, batch.TokenCount));
    }

    private static void LayerForward(BertLayerWeights weights, BertConfiguration configuration, TokenBatch batch, LayerBuffers buffers)
    {
        int tokens = batch.TokenCount;
        int hidden = configuration.HiddenSize;
        int intermediate = configuration.IntermediateSize;
        int hiddenLength = tokens * hidden;
        int intermediateLength = tokens * intermediate;
        ReadOnlySpan<float> input = buffers.Input.AsSpan(0, hiddenLength);
        Span<float> scratch = buffers.Scratch.AsSpan(0, hiddenLength);
        Span<float> attentionOutput = buffers.AttentionOutput.AsSpan(0, hiddenLength);

        Linear(input, weights.Query, weights.QueryBias, buffers.Query, tokens, hidden, hidden);
        Linear(input, weights.Key, weights.KeyBias, buffers.Key, tokens, hidden, hidden);
        Linear(input, weights.Value, weights.ValueBias, buffers.Value, tokens, hidden, hidden);
        Attention(configuration, batch, buffers.Query, buffers.Key, buffers.Value, buffers.Context);

        Linear(buffers.Context.AsSpan(0, hiddenLength), weights.AttentionOutput, weights.AttentionOutputBias, buffers.Scratch, tokens, hidden, hidden);
        TensorPrimitives.Add(scratch, input, scratch);
        LayerNorm.Forward(
            scratch,
            weights.AttentionNormScale,
            weights.AttentionNormBias,
            configuration.LayerNormEpsilon,
            tokens,
            attentionOutput,
            buffers.AttentionNormalized is null ? default : buffers.AttentionNormalized.AsSpan(0, hiddenLength),
            buffers.AttentionInverseDeviation is null ? default : buffers.AttentionInverseDeviation.AsSpan(0, tokens));

        Linear(attentionOutput, weights.Intermediate, weights.IntermediateBias, buffers.Intermediate, tokens, hidden, intermediate);
        float[] preActivation = buffers.Intermediate;
        float[] activated = buffers.Activated;
        ForEachRowBlock(tokens, GeluRowsPerItem, (start, count) => Gelu.Forward(
            preActivation.AsSpan(start * intermediate, count * intermediate),
            activated.AsSpan(start * intermediate, count * intermediate)));

        Linear(activated.AsSpan(0, intermediateLength), weights.Output, weights.OutputBias, buffers.Scratch, tokens, intermediate, hidden);
        TensorPrimitives.Add(scratch, attentionOutput, scratch);
        LayerNorm.Forward(
            scratch,
            weights.OutputNormScale,
            weights.OutputNormBias,
            configuration.LayerNormEpsilon,
            tokens,
            buffers.Output.AsSpan(0, hiddenLength),
            buffers.OutputNormalized is null ? default : buffers.OutputNormalized.AsSpan(0, hiddenLength),
            buffers.OutputInverseDeviation is null ? default : buffers.OutputInverseDeviation.AsSpan(0, tokens));
    }

    // y[rows, outputs] = x[rows, inputs] · W[inputs, outputs] + b.
    private static void Linear(ReadOnlySpan<float> input, float[] weight, float[] bias, float[] output, int rows, int inputs, int outputs)
    {
        Span<float> result = output.AsSpan(0, rows * outputs);
        Gemm.Multiply(input, weight, result, rows, inputs, outputs, accumulate: false);
        for (int row = 0; row < rows; row++)
        {
            Span<float> values = result.Slice(row * outputs, outputs);
            TensorPrimitives.Add(values, bias, values);
        }
    }

    private static void MeanPool(TokenBatch batch, float[] states, int hidden, Span<float> pooled)
    {
        for (int s = 0; s < batch.Count; s++)
        {
            Span<float> sum = pooled.Slice(s * hidden, hidden);
            sum.Clear();
            int offset = batch.Offsets[s];
            int length = batch.Lengths[s];
            for (int position = 0; position < length; position++)
            {
                TensorPrimitives.Add(sum, states.AsSpan((offset + position) * hidden, hidden), sum);
            }

            TensorPrimitives.Multiply(sum, 1f / length, sum);
        }
    }

    // Runs body(firstRow, rowCount) over blocks of rows, in parallel when there is more than one block.
    private static void ForEachRowBlock(int rows, int rowsPerBlock, Action<int, int> body)
    {
        int blocks = (rows + rowsPerBlock - 1) / rowsPerBlock;
        if (blocks <= 1)
        {
            body(0, rows);
            return;
        }

        Parallel.For(0, blocks, block =>
        {
            int start = block * rowsPerBlock;
            body(start, Math.Min(rowsPerBlock, rows - start));
        });
    }

    // Copies columns [column, column + width) of rows [row, row + count) of a [*, stride] matrix into a dense [count, width] block.
    private static void Gather(float[] source, int row, int count, int column, int width, int stride, Span<float> destination)
    {
        for (int i = 0; i < count; i++)
        {
            source.AsSpan((row + i) * stride + column, width).CopyTo(destination.Slice(i * width, width));
        }
    }

    private static void Scatter(ReadOnlySpan<float> source, float[] destination, int row, int count, int column, int width, int stride)
    {
        for (int i = 0; i < count; i++)
        {
            source.Slice(i * width, width).CopyTo(destination.AsSpan((row + i) * stride + column, width));
        }
    }

    private sealed record LayerBuffers(
        float[] Input,
        float[] Output,
        float[] Query,
        float[] Key,
        float[] Value,
        float[] Context,
        float[]? AttentionNormalized,
        float[]? AttentionInverseDeviation,
        float[] AttentionOutput,
        float[] Intermediate,
        float[] Activated,
        float[]? OutputNormalized,
        float[]? OutputInverseDeviation,
        float[] Scratch);
}
