using System.Buffers;
using System.Numerics.Tensors;

namespace EmbedClassify.FineTuning;

/// <content>Self-attention, per sequence and head (no padding, so no mask), in parallel over both.</content>
internal static partial class BertEncoder
{
    // context = softmax(Q·Kᵀ/√d)·V for each sequence and head. The probabilities are not kept: the backward pass
    // recomputes them from the kept Q and K (about 1% of a step's work at 128 tokens) rather than hold
    // heads × length² floats per sequence and layer (150 MB for 32 × 128 tokens).
    private static void Attention(BertConfiguration configuration, TokenBatch batch, float[] query, float[] key, float[] value, float[] context)
    {
        int heads = configuration.HeadCount;
        int headSize = configuration.HeadSize;
        int hidden = configuration.HiddenSize;
        float scale = 1f / MathF.Sqrt(headSize);
        Parallel.For(0, batch.Count * heads, item =>
        {
            int s = item / heads;
            int column = item % heads * headSize;
            int length = batch.Lengths[s];
            int offset = batch.Offsets[s];
            int block = length * headSize;
            float[] rented = ArrayPool<float>.Shared.Rent(4 * block + length * length);
            Span<float> q = rented.AsSpan(0, block);
            Span<float> k = rented.AsSpan(block, block);
            Span<float> v = rented.AsSpan(2 * block, block);
            Span<float> c = rented.AsSpan(3 * block, block);
            Span<float> p = rented.AsSpan(4 * block, length * length);
            Gather(query, offset, length, column, headSize, hidden, q);
            Gather(key, offset, length, column, headSize, hidden, k);
            Gather(value, offset, length, column, headSize, hidden, v);
            Probabilities(q, k, p, length, headSize, scale);
            Gemm.Multiply(p, v, c, length, length, headSize, accumulate: false);
            Scatter(c, context, offset, length, column, headSize, hidden);
            ArrayPool<float>.Shared.Return(rented);
        });
    }

    // Given d(loss)/d(context), writes d(loss)/d(Q, K, V) (whole matrices: every head's columns are written).
    private static void AttentionBackward(
        BertConfiguration configuration,
        TokenBatch batch,
        BertLayerActivations kept,
        float[] contextGradient,
        float[] queryGradient,
        float[] keyGradient,
        float[] valueGradient)
    {
        int heads = configuration.HeadCount;
        int headSize = configuration.HeadSize;
        int hidden = configuration.HiddenSize;
        float scale = 1f / MathF.Sqrt(headSize);
        int hiddenLength = batch.TokenCount * hidden;
        float[] query = kept.Query.GetArray(hiddenLength);
        float[] key = kept.Key.GetArray(hiddenLength);
        float[] value = kept.Value.GetArray(hiddenLength);
        Parallel.For(0, batch.Count * heads, item =>
        {
            int s = item / heads;
            int column = item % heads * headSize;
            int length = batch.Lengths[s];
            int offset = batch.Offsets[s];
            int block = length * headSize;
            float[] rented = ArrayPool<float>.Shared.Rent(7 * block + 2 * length * length);
            Span<float> q = rented.AsSpan(0, block);
            Span<float> k = rented.AsSpan(block, block);
            Span<float> v = rented.AsSpan(2 * block, block);
            Span<float> dc = rented.AsSpan(3 * block, block);
            Span<float> dq = rented.AsSpan(4 * block, block);
            Span<float> dk = rented.AsSpan(5 * block, block);
            Span<float> dv = rented.AsSpan(6 * block, block);
            Span<float> ds = rented.AsSpan(7 * block, length * length);
            Span<float> p = rented.AsSpan(7 * block + length * length, length * length);
            Gather(query, offset, length, column, headSize, hidden, q);
            Gather(key, offset, length, column, headSize, hidden, k);
            Probabilities(q, k, p, length, headSize, scale);
            Gather(value, offset, length, column, headSize, hidden, v);
            Gather(contextGradient, offset, length, column, headSize, hidden, dc);

            Gemm.MultiplyTransposedB(dc, v, ds, length, headSize, length, accumulate: false);
            Gemm.MultiplyTransposedA(p, dc, dv, length, length, headSize, accumulate: false);
            for (int row = 0; row < length; row++)
            {
                // Softmax backward: dS = P ∘ (dP − Σ dP∘P), then the 1/√d scale of the scores.
                Span<float> gradient = ds.Slice(row * length, length);
                Span<float> probability = p.Slice(row * length, length);
                TensorPrimitives.Subtract(gradient, TensorPrimitives.Dot(gradient, probability), gradient);
                TensorPrimitives.Multiply(gradient, probability, gradient);
                TensorPrimitives.Multiply(gradient, scale, gradient);
            }

            Gemm.Multiply(ds, k, dq, length, length, headSize, accumulate: false);
            Gemm.MultiplyTransposedA(ds, q, dk, length, length, headSize, accumulate: false);
            Scatter(dq, queryGradient, offset, length, column, headSize, hidden);
            Scatter(dk, keyGradient, offset, length, column, headSize, hidden);
            Scatter(dv, valueGradient, offset, length, column, headSize, hidden);
            ArrayPool<float>.Shared.Return(rented);
        });
    }

    // p = softmax(scale · q·kᵀ) row by row, with each row's maximum subtracted first so exp cannot overflow. The
    // forward and backward passes both call this, so they see the same probabilities bit for bit.
    private static void Probabilities(ReadOnlySpan<float> q, ReadOnlySpan<float> k, Span<float> p, int length, int headSize, float scale)
    {
        Gemm.MultiplyTransposedB(q, k, p, length, headSize, length, accumulate: false);
        for (int row = 0; row < length; row++)
        {
            Span<float> scores = p.Slice(row * length, length);
            TensorPrimitives.Subtract(scores, TensorPrimitives.Max(scores), scores);
            TensorPrimitives.Multiply(scores, scale, scores);
            TensorPrimitives.Exp(scores, scores);
            TensorPrimitives.Divide(scores, TensorPrimitives.Sum(scores), scores);
        }
    }
}
