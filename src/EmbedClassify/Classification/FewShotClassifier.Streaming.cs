using System.Runtime.CompilerServices;

namespace EmbedClassify;

public sealed partial class FewShotClassifier
{
    /// <summary>The number of texts <see cref="PredictStreamAsync(IAsyncEnumerable{string}, int, CancellationToken)"/> classifies per generator call unless told otherwise.</summary>
    /// <remarks>The same as <see cref="CachingEmbeddingGeneratorOptions.BatchSize"/>'s default, so that each chunk is one provider call and one cache checkpoint.</remarks>
    public const int DefaultStreamChunkSize = 256;

    /// <summary>
    /// Classifies a sequence of texts of any length in bounded memory: the texts are read in chunks of
    /// <paramref name="chunkSize"/>, each chunk is embedded with one generator call, and the predictions are returned
    /// in input order as soon as their chunk is done.
    /// </summary>
    /// <param name="texts">The texts to classify, read once, as the results are consumed.</param>
    /// <param name="chunkSize">The number of texts embedded per generator call; at least 1. The default is <see cref="DefaultStreamChunkSize"/>.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests (also honoured through <c>WithCancellation</c>).</param>
    /// <returns>One prediction per text, in input order.</returns>
    /// <remarks>
    /// <para>
    /// At most two chunks are held at a time: while the caller consumes the predictions of one chunk, the next is being
    /// embedded. Memory therefore depends on <paramref name="chunkSize"/>, not on the length of <paramref name="texts"/>.
    /// </para>
    /// <para>
    /// Through a <see cref="CachingEmbeddingGenerator"/> (with <see cref="CachingEmbeddingGeneratorOptions.BatchSize"/>
    /// at least <paramref name="chunkSize"/>) every chunk is one provider call whose vectors are in the cache before its
    /// predictions are returned, so a run that is stopped or killed loses at most the chunks in flight, and running it
    /// again pays only for the texts that were not yet embedded. Repeated texts within a chunk are embedded once.
    /// </para>
    /// <para>
    /// The arguments are checked when the method is called; each text is checked as it is read, so a bad text fails the
    /// enumeration when the chunk holding it is read (the chunk before it, still being embedded then, is not returned).
    /// </para>
    /// <para>
    /// Not thread-safe to enumerate the same result from several threads; the classifier itself may serve other calls
    /// meanwhile.
    /// </para>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="texts"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="chunkSize"/> is less than 1.</exception>
    /// <exception cref="ArgumentException">While enumerating: a text is null, blank or has an unpaired surrogate; the message gives its 0-based position as <c>texts[i]</c>.</exception>
    /// <exception cref="InvalidOperationException">While enumerating: the generator returned the wrong number of vectors or unusable ones.</exception>
    /// <exception cref="OperationCanceledException">While enumerating: <paramref name="cancellationToken"/> was canceled.</exception>
    public IAsyncEnumerable<Prediction> PredictStreamAsync(IAsyncEnumerable<string> texts, int chunkSize = DefaultStreamChunkSize, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        return PredictionsOf(StreamAsync(texts, static text => text, nameof(texts), chunkSize, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// Classifies a sequence of items of any length in bounded memory, each by the text <paramref name="textSelector"/>
    /// picks from it, and returns every item with its prediction in input order (for records that carry an id).
    /// </summary>
    /// <typeparam name="TItem">The type of the items.</typeparam>
    /// <param name="items">The items to classify, read once, as the results are consumed.</param>
    /// <param name="textSelector">Returns the text to classify of an item.</param>
    /// <param name="chunkSize">The number of items embedded per generator call; at least 1. The default is <see cref="DefaultStreamChunkSize"/>.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests (also honoured through <c>WithCancellation</c>).</param>
    /// <returns>Each item with its prediction, in input order.</returns>
    /// <remarks>Works as <see cref="PredictStreamAsync(IAsyncEnumerable{string}, int, CancellationToken)"/>; see there for memory, checkpointing and resuming.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="items"/> or <paramref name="textSelector"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="chunkSize"/> is less than 1.</exception>
    /// <exception cref="ArgumentException">While enumerating: an item's text is null, blank or has an unpaired surrogate; the message gives its 0-based position as <c>items[i]</c>.</exception>
    /// <exception cref="InvalidOperationException">While enumerating: the generator returned the wrong number of vectors or unusable ones.</exception>
    /// <exception cref="OperationCanceledException">While enumerating: <paramref name="cancellationToken"/> was canceled.</exception>
    public IAsyncEnumerable<(TItem Item, Prediction Prediction)> PredictStreamAsync<TItem>(
        IAsyncEnumerable<TItem> items,
        Func<TItem, string> textSelector,
        int chunkSize = DefaultStreamChunkSize,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(textSelector);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        return StreamAsync(items, textSelector, nameof(items), chunkSize, cancellationToken);
    }

    private static async IAsyncEnumerable<Prediction> PredictionsOf(
        IAsyncEnumerable<(string Item, Prediction Prediction)> results,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach ((_, Prediction prediction) in results.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return prediction;
        }
    }

    private async IAsyncEnumerable<(TItem Item, Prediction Prediction)> StreamAsync<TItem>(
        IAsyncEnumerable<TItem> items,
        Func<TItem, string> textSelector,
        string parameterName,
        int chunkSize,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Canceled when the caller stops early, so that a chunk still being embedded does not outlive the enumeration.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        (TItem[] Items, Task<IReadOnlyList<Prediction>> Predictions)? pending = null;
        try
        {
            long position = 0;
            // Grown as texts arrive rather than sized to chunkSize, which may be far larger than the input (int.MaxValue
            // for "one chunk") and would be allocated in full.
            int capacity = Math.Min(chunkSize, DefaultStreamChunkSize);
            var chunkItems = new List<TItem>(capacity);
            var chunkTexts = new List<string>(capacity);
            await using IAsyncEnumerator<TItem> reader = items.GetAsyncEnumerator(stop.Token);
            bool more = true;
            while (more)
            {
                chunkItems.Clear();
                chunkTexts.Clear();
                while (chunkItems.Count < chunkSize && (more = await reader.MoveNextAsync().ConfigureAwait(false)))
                {
                    TItem item = reader.Current;
                    string text = textSelector(item);
                    TextContent.ThrowIfNotEmbeddable(text, $"{parameterName}[{position}]", parameterName);
                    position++;
                    chunkItems.Add(item);
                    chunkTexts.Add(text);
                }

                (TItem[] Items, Task<IReadOnlyList<Prediction>> Predictions)? started = null;
                if (chunkItems.Count > 0)
                {
                    // On the thread pool, so that the generator call overlaps the caller's work on the previous chunk
                    // even when the generator (a cache hit, say) completes synchronously.
                    string[] textsToEmbed = [.. chunkTexts];
                    started = ([.. chunkItems], Task.Run(() => PredictBatchAsync(textsToEmbed, stop.Token), stop.Token));
                }

                if (pending is { } previous)
                {
                    // The new chunk is the one in flight from here on: it is stopped if this await or the caller fails.
                    pending = started;
                    IReadOnlyList<Prediction> predictions = await previous.Predictions.ConfigureAwait(false);
                    for (int i = 0; i < predictions.Count; i++)
                    {
                        yield return (previous.Items[i], predictions[i]);
                    }
                }
                else
                {
                    pending = started;
                }
            }

            if (pending is { } last)
            {
                pending = null;
                IReadOnlyList<Prediction> predictions = await last.Predictions.ConfigureAwait(false);
                for (int i = 0; i < predictions.Count; i++)
                {
                    yield return (last.Items[i], predictions[i]);
                }
            }
        }
        finally
        {
            if (pending is { } abandoned)
            {
                // The caller stopped, or reading failed, with a chunk in flight: stop it and wait, so no call runs on
                // after the enumeration ends. Its outcome no longer matters to anyone.
                await stop.CancelAsync().ConfigureAwait(false);
                try
                {
                    await abandoned.Predictions.ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // Canceled or failed: either way nothing was returned from it, and the original outcome stands.
                }
            }
        }
    }
}
