namespace EmbedClassify.OpenAI.Tests;

public class PlaceholderTests
{
    [Test]
    public void Builds() => Assert.That(typeof(EmbedClassify.OpenAI.Tests.PlaceholderTests).Namespace, Does.EndWith("Tests"));
}
