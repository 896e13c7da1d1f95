namespace EmbedClassify.Sqlite.Tests;

public class PlaceholderTests
{
    [Test]
    public void Builds() => Assert.That(typeof(EmbedClassify.Sqlite.Tests.PlaceholderTests).Namespace, Does.EndWith("Tests"));
}
