using System.Numerics.Tensors;

namespace EmbedClassify.FineTuning;

/// <content>The backward pass: from d(loss)/d(pooled vectors) to the trained parameters' gradients.</content>
internal static partial class BertEncoder
{
    /// <summary>
    /// Adds to <paramref name="gradients"/> d(loss)/d(parameter) for every parameter the last
    /// <see cref="ForwardTraining"/> call's scope trains, given d(loss)/d(pooled vectors) [sequences, hidden]. Layers
    /// below the lowest one the scope reaches are not visited; other gradients are left untouched.
    /// </summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="pooledGradient"/> is not sequences × hidden long, or the cache or gradients belong to another
    /// configuration.
    /// </exception>
    /// <exception cref="InvalidOperationException">No training forward pass has filled <paramref name="cache"/>.</exception>
    public static void Backward(BertWeights weights, BertActivationCache cache, ReadOnlySpan<float> pooledGradient, BertGradients gradients)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(gradients);
        BertConfiguration configuration = weights.Configuration;
        if (cache.Configuration != configuration)
        {
            throw new ArgumentException("The cache was made for another configuration.", nameof(cache));
        }

        if (gradients.Values.Configuration != configuration)
        {
            throw new ArgumentException("The gradients were made for another configuration.", nameof(gradients));
        }

        TokenBatch batch = cache.Batch ?? throw new InvalidOperationException("Run ForwardTraining with this cache first.");
        BertTrainingScope scope = cache.Scope!;
        int hidden = configuration.HiddenSize;
        if (pooledGradient.Length != batch.Count * hidden)
        {
            throw new ArgumentException($"Expected {batch.Count * hidden} floats (sequences × hidden).", nameof(pooledGradient));
        }

        int tokens = batch.TokenCount;
        int hiddenLength = tokens * hidden;
        float[] gradient = cache.HiddenScratch[0].GetArray(hiddenLength);

        // Mean pooling spreads each sequence's gradient evenly over its tokens.
        for (int s = 0; s < batch.Count; s++)
        {
            ReadOnlySpan<float> source = pooledGradient.Slice(s * hidden, hidden);
            float share = 1f / batch.Lengths[s];
            for (int position = 0; position < batch.Lengths[s]; position++)
            {
                TensorPrimitives.Multiply(source, share, gradient.AsSpan((batch.Offsets[s] + position) * hidden, hidden));
            }
        }

        for (int layer = configuration.LayerCount - 1; layer >= scope.LowestBackwardLayer; layer--)
        {
            bool needInputGradient = layer > 0 ? layer > scope.LowestBackwardLayer : scope.TrainEmbeddings;
            LayerBackward(
                weights.Layers[layer],
                scope.TrainsLayer(layer) ? gradients.Values.Layers[layer] : null,
                configuration,
                batch,
                cache,
                cache.Layers[layer],
                gradient,
                needInputGradient);
        }

        if (scope.TrainEmbeddings)
        {
            EmbedBackward(weights, batch, cache, gradient, gradients);
        }
    }

    // On entry gradient holds d(loss)/d(layer output); on return d(loss)/d(layer input) when needInputGradient.
    private static void LayerBackward(
        BertLayerWeights weights,
        BertLayerWeights? weightGradients,
        BertConfiguration configuration,
        TokenBatch batch,
        BertActivationCache cache,
        BertLayerActivations kept,
        float[] gradient,
        bool needInputGradient)
    {
        int tokens = batch.TokenCount;
        int hidden = configuration.HiddenSize;
        int intermediate = configuration.IntermediateSize;
        int hiddenLength = tokens * hidden;
        int intermediateLength = tokens * intermediate;
        Span<float> outputGradient = gradient.AsSpan(0, hiddenLength);
        float[] normGradient = cache.HiddenScratch[1].GetArray(hiddenLength);
        float[] contextGradient = cache.HiddenScratch[2].GetArray(hiddenLength);
        float[] queryGradient = cache.HiddenScratch[3].GetArray(hiddenLength);
        float[] keyGradient = cache.HiddenScratch[4].GetArray(hiddenLength);
        float[] valueGradient = cache.HiddenScratch[5].GetArray(hiddenLength);
        float[] activationGradient = cache.IntermediateScratch[0].GetArray(intermediateLength);
        float[] activated = cache.IntermediateScratch[1].GetArray(intermediateLength);
        float[] preActivation = kept.Intermediate.GetArray(intermediateLength);
        bool train = weightGradients is not null;

        // Output LayerNorm: y = LN(h1 + GELU(h1·Wi + bi)·Wo + bo).
        LayerNorm.Backward(
            outputGradient,
            kept.OutputNormalized.Get(hiddenLength),
            kept.OutputInverseDeviation.Get(tokens),
            weights.OutputNormScale,
            tokens,
            outputGradient,
            train ? weightGradients!.OutputNormScale : default,
            train ? weightGradients!.OutputNormBias : default);

        // Feed-forward block; GELU(h1·Wi + bi) is recomputed here rather than kept from the forward pass.
        Gemm.MultiplyTransposedB(outputGradient, weights.Output, activationGradient.AsSpan(0, intermediateLength), tokens, hidden, intermediate, accumulate: false);
        ForEachRowBlock(tokens, GeluRowsPerItem, (start, count) => Gelu.Backward(
            preActivation.AsSpan(start * intermediate, count * intermediate),
            activationGradient.AsSpan(start * intermediate, count * intermediate),
            activated.AsSpan(start * intermediate, count * intermediate)));
        Span<float> attentionOutputGradient = normGradient.AsSpan(0, hiddenLength);

        // h1 = x̂·γ + β, recomputed as the forward pass computed it rather than kept.
        float[] attentionOutput = cache.HiddenScratch[6].GetArray(hiddenLength);
        ReadOnlySpan<float> attentionNormalized = kept.AttentionNormalized.Get(hiddenLength);
        for (int row = 0; row < tokens; row++)
        {
            TensorPrimitives.FusedMultiplyAdd(
                attentionNormalized.Slice(row * hidden, hidden),
                weights.AttentionNormScale,
                weights.AttentionNormBias,
                attentionOutput.AsSpan(row * hidden, hidden));
        }

        outputGradient.CopyTo(attentionOutputGradient);
        Gemm.MultiplyTransposedB(activationGradient.AsSpan(0, intermediateLength), weights.Intermediate, attentionOutputGradient, tokens, intermediate, hidden, accumulate: true);
        if (train)
        {
            Gemm.MultiplyTransposedA(activated.AsSpan(0, intermediateLength), outputGradient, weightGradients!.Output, intermediate, tokens, hidden, accumulate: true);
            AddColumnSums(outputGradient, tokens, weightGradients.OutputBias);
            Gemm.MultiplyTransposedA(attentionOutput.AsSpan(0, hiddenLength), activationGradient.AsSpan(0, intermediateLength), weightGradients.Intermediate, hidden, tokens, intermediate, accumulate: true);
            AddColumnSums(activationGradient.AsSpan(0, intermediateLength), tokens, weightGradients.IntermediateBias);
        }

        // Attention LayerNorm: h1 = LN(x + context·Wao + bao).
        LayerNorm.Backward(
            attentionOutputGradient,
            kept.AttentionNormalized.Get(hiddenLength),
            kept.AttentionInverseDeviation.Get(tokens),
            weights.AttentionNormScale,
            tokens,
            attentionOutputGradient,
            train ? weightGradients!.AttentionNormScale : default,
            train ? weightGradients!.AttentionNormBias : default);
        if (train)
        {
            Gemm.MultiplyTransposedA(kept.Context.Get(hiddenLength), attentionOutputGradient, weightGradients!.AttentionOutput, hidden, tokens, hidden, accumulate: true);
            AddColumnSums(attentionOutputGradient, tokens, weightGradients.AttentionOutputBias);
        }

        if (!train && !needInputGradient)
        {
            return;
        }

        Gemm.MultiplyTransposedB(attentionOutputGradient, weights.AttentionOutput, contextGradient.AsSpan(0, hiddenLength), tokens, hidden, hidden, accumulate: false);
        AttentionBackward(configuration, batch, kept, contextGradient, queryGradient, keyGradient, valueGradient);

        // The residual carries the attention block's input gradient straight through; each projection adds its own.
        if (needInputGradient)
        {
            attentionOutputGradient.CopyTo(outputGradient);
        }

        ReadOnlySpan<float> input = kept.Input.Get(hiddenLength);
        foreach ((float[] projectionGradient, float[] weight, float[]? weightGradient, float[]? biasGradient) in new[]
        {
            (queryGradient, weights.Query, weightGradients?.Query, weightGradients?.QueryBias),
            (keyGradient, weights.Key, weightGradients?.Key, weightGradients?.KeyBias),
            (valueGradient, weights.Value, weightGradients?.Value, weightGradients?.ValueBias),
        })
        {
            ReadOnlySpan<float> projection = projectionGradient.AsSpan(0, hiddenLength);
            if (needInputGradient)
            {
                Gemm.MultiplyTransposedB(projection, weight, outputGradient, tokens, hidden, hidden, accumulate: true);
            }

            if (weightGradient is not null)
            {
                Gemm.MultiplyTransposedA(input, projection, weightGradient, hidden, tokens, hidden, accumulate: true);
                AddColumnSums(projection, tokens, biasGradient!);
            }
        }
    }

    private static void EmbedBackward(BertWeights weights, TokenBatch batch, BertActivationCache cache, float[] gradient, BertGradients gradients)
    {
        int hidden = weights.Configuration.HiddenSize;
        int tokens = batch.TokenCount;
        Span<float> embeddingGradient = gradient.AsSpan(0, tokens * hidden);
        BertWeights target = gradients.Values;
        LayerNorm.Backward(
            embeddingGradient,
            cache.EmbeddingNormalized.Get(tokens * hidden),
            cache.EmbeddingInverseDeviation.Get(tokens),
            weights.EmbeddingNormScale,
            tokens,
            embeddingGradient,
            target.EmbeddingNormScale,
            target.EmbeddingNormBias);

        // The summed embedding's gradient goes whole to its word, position and token type rows.
        Span<float> tokenType = target.TokenTypeEmbeddings.AsSpan(0, hidden);
        for (int s = 0; s < batch.Count; s++)
        {
            for (int position = 0; position < batch.Lengths[s]; position++)
            {
                int token = batch.Offsets[s] + position;
                int id = batch.Ids[token];
                ReadOnlySpan<float> row = embeddingGradient.Slice(token * hidden, hidden);
                gradients.TouchWordRow(id);
                Span<float> word = target.WordEmbeddings.AsSpan(id * hidden, hidden);
                TensorPrimitives.Add(word, row, word);
                Span<float> positionRow = target.PositionEmbeddings.AsSpan(position * hidden, hidden);
                TensorPrimitives.Add(positionRow, row, positionRow);
                TensorPrimitives.Add(tokenType, row, tokenType);
            }
        }
    }

    private static void AddColumnSums(ReadOnlySpan<float> matrix, int rows, Span<float> sums)
    {
        int width = sums.Length;
        for (int row = 0; row < rows; row++)
        {
            TensorPrimitives.Add(sums, matrix.Slice(row * width, width), sums);
        }
    }
}
