namespace EmbedClassify;

public static partial class VectorMath
{
    /// <summary>
    /// Finds the indices of the highest scores.
    /// </summary>
    /// <param name="scores">The scores to rank.</param>
    /// <param name="indices">
    /// The span that receives the indices of the highest scores, best first. Its length is the
    /// number of results wanted.
    /// </param>
    /// <returns>
    /// The number of indices written, which is the smaller of <c>indices.Length</c> and
    /// <c>scores.Length</c>. Elements of <paramref name="indices"/> past that count are not modified.
    /// </returns>
    /// <remarks>
    /// <para>
    /// Indices are written in descending order of score. Equal scores, including 0 and -0, are
    /// ranked by ascending index, so the result is deterministic. <see cref="float.NaN"/> scores
    /// rank below every other score, including <see cref="float.NegativeInfinity"/>, and among
    /// themselves by ascending index.
    /// </para>
    /// <para>
    /// The method keeps a binary heap of the current best candidates inside
    /// <paramref name="indices"/>, so it runs in O(n log k) time for n scores and k results and
    /// allocates nothing. It is thread-safe as long as no other thread accesses
    /// <paramref name="indices"/> at the same time.
    /// </para>
    /// </remarks>
    public static int TopK(ReadOnlySpan<float> scores, Span<int> indices)
    {
        int k = Math.Min(indices.Length, scores.Length);
        if (k == 0)
        {
            return 0;
        }

        Span<int> heap = indices[..k];

        // The heap's root is the worst of the best k seen so far; the first k indices fill it.
        for (int i = 0; i < k; i++)
        {
            heap[i] = i;
            SiftUp(scores, heap, i);
        }

        for (int i = k; i < scores.Length; i++)
        {
            float score = scores[i];
            float worst = scores[heap[0]];

            // A later index loses every tie, so it only enters on a strictly better score.
            if (score > worst || (float.IsNaN(worst) && !float.IsNaN(score)))
            {
                heap[0] = i;
                SiftDown(scores, heap, 0, k);
            }
        }

        // Repeatedly moving the worst remaining candidate to the back leaves the best first.
        for (int end = k - 1; end > 0; end--)
        {
            (heap[0], heap[end]) = (heap[end], heap[0]);
            SiftDown(scores, heap, 0, end);
        }

        return k;
    }

    private static bool Outranks(ReadOnlySpan<float> scores, int a, int b)
    {
        float sa = scores[a];
        float sb = scores[b];
        if (sa > sb)
        {
            return true;
        }

        if (sa < sb)
        {
            return false;
        }

        bool aIsNaN = float.IsNaN(sa);
        bool bIsNaN = float.IsNaN(sb);
        return aIsNaN == bIsNaN ? a < b : bIsNaN;
    }

    private static void SiftUp(ReadOnlySpan<float> scores, Span<int> heap, int position)
    {
        int item = heap[position];
        while (position > 0)
        {
            int parent = (position - 1) >> 1;
            if (!Outranks(scores, heap[parent], item))
            {
                break;
            }

            heap[position] = heap[parent];
            position = parent;
        }

        heap[position] = item;
    }

    private static void SiftDown(ReadOnlySpan<float> scores, Span<int> heap, int position, int count)
    {
        int item = heap[position];
        while (true)
        {
            int child = (2 * position) + 1;
            if (child >= count)
            {
                break;
            }

            // Follow the worse child so the root stays the worst candidate.
            if (child + 1 < count && Outranks(scores, heap[child], heap[child + 1]))
            {
                child++;
            }

            if (!Outranks(scores, item, heap[child]))
            {
                break;
            }

            heap[position] = heap[child];
            position = child;
        }

        heap[position] = item;
    }
}
