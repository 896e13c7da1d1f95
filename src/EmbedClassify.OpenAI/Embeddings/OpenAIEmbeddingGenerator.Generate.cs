using System.ClientModel;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace EmbedClassify.OpenAI;

/// <content>Planning, sending and retrying the requests of one call.</content>
public sealed partial class OpenAIEmbeddingGenerator
{
    /// <summary>
    /// Generates one embedding for each text.
    /// </summary>
    /// <param name="values">
    /// The texts to embed. Identical texts are sent once; a text longer than
    /// <see cref="OpenAIEmbeddingGeneratorOptions.MaxTokensPerInput"/> tokens is truncated or rejected as
    /// <see cref="OpenAIEmbeddingGeneratorOptions.OverlongInput"/> says.
    /// </param>
    /// <param name="options">
    /// Optional request options. <see cref="EmbeddingGenerationOptions.Dimensions"/>, when set, overrides
    /// <see cref="OpenAIEmbeddingGeneratorOptions.Dimensions"/> for this call; <see cref="EmbeddingGenerationOptions.ModelId"/>,
    /// when set, must equal the generator's model.
    /// </param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests; it abandons requests in flight and is never retried.</param>
    /// <returns>
    /// The embeddings, in the order of <paramref name="values"/>, all of the same length (the requested dimensions when
    /// set), with <see cref="GeneratedEmbeddings{TEmbedding}.Usage"/> summed over the requests. An empty input gives an
    /// empty result without any request.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// An element of <paramref name="values"/> is <see langword="null"/> or empty, or is too long while
    /// <see cref="OpenAIEmbeddingGeneratorOptions.OverlongInput"/> is <see cref="OverlongInputBehavior.Throw"/> (the
    /// message names its index); or <paramref name="options"/> names another model or non-positive dimensions.
    /// </exception>
    /// <exception cref="ObjectDisposedException">The generator has been disposed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    /// <exception cref="EmbeddingBatchException">
    /// At least one request still failed after its retries, or returned a malformed response or vectors of the wrong
    /// length. Its <see cref="EmbeddingBatchException.FailedIndices"/> are the indices into <paramref name="values"/>
    /// of the texts of those requests, and its <see cref="EmbeddingBatchException.Embeddings"/> hold the embeddings
    /// of every other text, so that nothing paid for is lost; the inner exception is the last error: an <see cref="HttpRequestException"/>
    /// (with <see cref="HttpRequestException.StatusCode"/> when the server answered), a <see cref="TimeoutException"/>
    /// or an <see cref="InvalidDataException"/>. It is thrown after every other request has finished.
    /// </exception>
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        string[] texts = [.. values];
        for (int i = 0; i < texts.Length; i++)
        {
            if (string.IsNullOrEmpty(texts[i]))
            {
                throw new ArgumentException($"The text at index {i} is null or empty; every text must have at least one character.", nameof(values));
            }
        }

        if (options?.ModelId is string modelId && !string.Equals(modelId, _model, StringComparison.Ordinal))
        {
            throw new ArgumentException($"This generator calls the model '{_model}'; '{modelId}' was requested.", nameof(options));
        }

        if (options?.Dimensions is <= 0)
        {
            throw new ArgumentException("The requested dimensions must be positive.", nameof(options));
        }

        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        cancellationToken.ThrowIfCancellationRequested();

        if (texts.Length == 0)
        {
            return [];
        }

        int? dimensions = options?.Dimensions ?? _dimensions;
        RequestPlan plan = RequestPlan.Create(
            texts, TokenCounter.Cl100kBase, _maxInputsPerRequest, _maxTokensPerRequest, _maxTokensPerInput, _overlongInput, nameof(values));

        var requestOptions = new EmbeddingGenerationOptions { Dimensions = dimensions };
        int? expectedLength = dimensions ?? KnownDimensions(_model);
        var outcomes = await Task.WhenAll(plan.Requests.Select(range =>
            SendWithRetriesAsync(plan.UniqueTexts[range], requestOptions, expectedLength, cancellationToken))).ConfigureAwait(false);

        return Assemble(plan, outcomes, texts.Length);
    }

    private GeneratedEmbeddings<Embedding<float>> Assemble(RequestPlan plan, RequestOutcome[] outcomes, int inputCount)
    {
        var vectors = new float[]?[plan.UniqueTexts.Length];
        var failed = new bool[plan.UniqueTexts.Length];
        Exception? lastError = null;
        long inputTokens = 0;
        long totalTokens = 0;
        string modelId = _model;
        int agreedLength = 0;
        for (int r = 0; r < outcomes.Length; r++)
        {
            (int offset, int length) = plan.Requests[r].GetOffsetAndLength(plan.UniqueTexts.Length);
            RequestOutcome outcome = outcomes[r];
            if (outcome.Error is null && outcome.Vectors!.Length > 0)
            {
                // Every response of one call must have the vector length of the first successful one.
                int vectorLength = outcome.Vectors[0].Length;
                agreedLength = agreedLength == 0 ? vectorLength : agreedLength;
                if (vectorLength != agreedLength)
                {
                    outcome = Failed(new InvalidDataException(
                        $"The server returned embeddings of different lengths ({agreedLength} and {vectorLength}) in one call."));
                }
            }

            if (outcome.Error is not null)
            {
                lastError = outcome.Error;
                failed.AsSpan(offset, length).Fill(true);
                continue;
            }

            outcome.Vectors!.CopyTo(vectors, offset);
            inputTokens += outcome.InputTokens;
            totalTokens += outcome.TotalTokens;
            modelId = outcome.ModelId ?? modelId;
        }

        DateTimeOffset createdAt = _timeProvider.GetUtcNow();
        var embeddings = new Embedding<float>?[inputCount];
        for (int i = 0; i < inputCount; i++)
        {
            // Duplicates share one vector; it is exposed read-only, so sharing cannot leak a change from one to another.
            embeddings[i] = vectors[plan.InputToUnique[i]] is { } vector
                ? new Embedding<float>(vector) { ModelId = modelId, CreatedAt = createdAt }
                : null;
        }

        if (lastError is not null)
        {
            // The successful requests were paid for: their vectors travel with the exception so a cache can keep them.
            int[] failedIndices = [.. Enumerable.Range(0, inputCount).Where(i => failed[plan.InputToUnique[i]])];
            throw new EmbeddingBatchException(failedIndices, embeddings, lastError);
        }

        return new GeneratedEmbeddings<Embedding<float>>(embeddings!)
        {
            Usage = new UsageDetails { InputTokenCount = inputTokens, TotalTokenCount = totalTokens },
        };
    }

    private async Task<RequestOutcome> SendWithRetriesAsync(
        string[] texts, EmbeddingGenerationOptions requestOptions, int? expectedLength, CancellationToken cancellationToken)
    {
        await _requestSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            for (int attempt = 0; ; attempt++)
            {
                ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
                (RequestOutcome outcome, bool retryable, TimeSpan? serverDelay) =
                    await SendOnceAsync(texts, requestOptions, expectedLength, cancellationToken).ConfigureAwait(false);
                if (outcome.Error is null || !retryable || attempt >= _maxRetries)
                {
                    return outcome;
                }

                TimeSpan wait = serverDelay ?? RetryTiming.Backoff(attempt, _retryBaseDelay, _maxRetryDelay, Random.Shared.NextDouble());
                await _delay(wait, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _requestSlots.Release();
        }
    }

    private async Task<(RequestOutcome Outcome, bool Retryable, TimeSpan? ServerDelay)> SendOnceAsync(
        string[] texts, EmbeddingGenerationOptions requestOptions, int? expectedLength, CancellationToken cancellationToken)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (_timeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            attempt.CancelAfter(_timeout);
        }

        GeneratedEmbeddings<Embedding<float>> result;
        try
        {
            result = await _inner.GenerateAsync(texts, requestOptions, attempt.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException) when (attempt.IsCancellationRequested)
        {
            return (Failed(new TimeoutException($"The request for {texts.Length} inputs took longer than {_timeout}.")), true, null);
        }
        catch (ClientResultException ex)
        {
            // The original is not kept as the inner exception: its message quotes the response body, and servers
            // quote the key back when they reject it.
            int status = ex.Status;
            var error = new HttpRequestException(Redact(ex.Message), inner: null, status == 0 ? null : (HttpStatusCode)status);
            bool retryable = status is 0 or 408 or 429 or >= 500;
            TimeSpan? serverDelay = ex.GetRawResponse() is { } response
                ? RetryTiming.ParseServerDelay(Header(response, "retry-after-ms"), Header(response, "Retry-After"), _timeProvider.GetUtcNow())
                : null;
            return (Failed(error), retryable, serverDelay);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            return (Failed(new HttpRequestException(Redact(ex.Message), ex)), true, null);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or ArgumentException or KeyNotFoundException
            or (InvalidOperationException and not ObjectDisposedException))
        {
            // A 200 response that does not parse has been paid for and will not parse better the second time.
            return (Failed(new InvalidDataException($"The server sent a malformed response for {texts.Length} inputs: {Redact(ex.Message)}", ex)), false, null);
        }

        // With no length to expect, one response does not fix it for the process: a faulty first answer would otherwise
        // make every later correct one fail until restart. The responses of one call must agree (see Assemble), and a
        // cache in front checks every vector against the ones it already holds.
        string? problem = Validate(result, texts.Length, expectedLength);
        if (problem is not null)
        {
            return (Failed(new InvalidDataException(problem)), false, null);
        }

        var vectors = new float[result.Count][];
        for (int i = 0; i < vectors.Length; i++)
        {
            vectors[i] = result[i].Vector.ToArray();
        }

        long inputTokens = result.Usage?.InputTokenCount ?? 0;
        return (new RequestOutcome(vectors, inputTokens, result.Usage?.TotalTokenCount ?? inputTokens, result.FirstOrDefault()?.ModelId, null), false, null);
    }

    private static string? Validate(GeneratedEmbeddings<Embedding<float>> result, int inputCount, int? expectedLength)
    {
        if (result.Count != inputCount)
        {
            return $"The server returned {result.Count} embeddings for {inputCount} inputs.";
        }

        int length = expectedLength ?? result[0].Vector.Length;
        for (int i = 0; i < result.Count; i++)
        {
            ReadOnlySpan<float> vector = result[i].Vector.Span;
            if (vector.Length == 0)
            {
                return "The server returned an empty embedding.";
            }

            if (vector.Length != length)
            {
                return expectedLength is null
                    ? $"The server returned embeddings of different lengths ({length} and {vector.Length}) in one response."
                    : $"The server returned an embedding of length {vector.Length}; {expectedLength} were expected.";
            }

            foreach (float x in vector)
            {
                if (!float.IsFinite(x))
                {
                    return "The server returned an embedding containing NaN or infinity.";
                }
            }
        }

        return null;
    }

    private static string? Header(System.ClientModel.Primitives.PipelineResponse response, string name) =>
        response.Headers.TryGetValue(name, out string? value) ? value : null;

    private static RequestOutcome Failed(Exception error) => new(null, 0, 0, null, error);

    private sealed record RequestOutcome(float[][]? Vectors, long InputTokens, long TotalTokens, string? ModelId, Exception? Error);
}
