namespace EmbedClassify.OpenAI.Tests.TestDoubles;

public enum FakeFaultKind
{
    Status,
    Unauthorized,
    MalformedJson,
    DropConnection,
    Slow,
    WrongLength,
}
