namespace EmbedClassify.Testing;

public enum FakeFaultKind
{
    Status,
    Unauthorized,
    MalformedJson,
    DropConnection,
    Slow,
    WrongLength,
}
