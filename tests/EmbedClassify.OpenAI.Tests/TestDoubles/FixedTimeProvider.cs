namespace EmbedClassify.OpenAI.Tests.TestDoubles;

/// <summary>A clock that always reads the same moment, so HTTP-date waits can be asserted exactly.</summary>
public sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
