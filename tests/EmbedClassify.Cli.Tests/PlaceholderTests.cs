namespace EmbedClassify.Cli.Tests;

public class PlaceholderTests
{
    [Test]
    public void Builds() => Assert.That(typeof(PlaceholderTests).Namespace, Does.EndWith("Tests"));
}
