namespace EmbedClassify.Onnx.Tests;
public class PlaceholderTests { [Test] public void Builds() => Assert.That(int.Parse("2", System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(2)); }
