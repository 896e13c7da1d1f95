namespace EmbedClassify.OpenAI.Tests.TestDoubles;

/// <summary>Stands in for <c>Task.Delay</c> between retries: records each wait and returns at once, so tests never sleep.</summary>
public sealed class RecordingDelay
{
    private readonly List<TimeSpan> _waits = [];
    private readonly Lock _gate = new();

    /// <summary>Gets every wait asked for, in order.</summary>
    public IReadOnlyList<TimeSpan> Waits
    {
        get
        {
            lock (_gate)
            {
                return [.. _waits];
            }
        }
    }

    public Task WaitAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _waits.Add(wait);
        }

        return cancellationToken.IsCancellationRequested ? Task.FromCanceled(cancellationToken) : Task.CompletedTask;
    }
}
