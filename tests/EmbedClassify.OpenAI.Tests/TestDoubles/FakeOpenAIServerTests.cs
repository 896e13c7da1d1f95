using System.Net.Http.Json;
using System.Text.Json;

namespace EmbedClassify.OpenAI.Tests.TestDoubles;

public class FakeOpenAIServerTests
{
    [TestCase(null)]
    [TestCase("float")]
    [TestCase("base64")]
    public async Task Server_AnswersInTheRequestedEncoding(string? encoding)
    {
        await using var server = await FakeOpenAIServer.StartAsync(dimensions: 4);
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        var body = new Dictionary<string, object> { ["input"] = new[] { "x", "y" }, ["model"] = "m" };
        if (encoding is not null)
        {
            body["encoding_format"] = encoding;
        }

        using HttpResponseMessage response = await http.PostAsJsonAsync(new Uri(server.Endpoint + "/embeddings"), body);
        using JsonDocument json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        JsonElement first = json.RootElement.GetProperty("data")[0];
        float[] vector = encoding == "base64"
            ? [.. System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(Convert.FromBase64String(first.GetProperty("embedding").GetString()!))]
            : [.. first.GetProperty("embedding").EnumerateArray().Select(e => e.GetSingle())];
        Assert.Multiple(() =>
        {
            Assert.That(json.RootElement.GetProperty("object").GetString(), Is.EqualTo("list"));
            Assert.That(json.RootElement.GetProperty("data").GetArrayLength(), Is.EqualTo(2));
            Assert.That(first.GetProperty("index").GetInt32(), Is.Zero);
            Assert.That(vector, Is.EqualTo(FakeOpenAIServer.VectorFor("x", 4)));
            Assert.That(json.RootElement.GetProperty("usage").GetProperty("prompt_tokens").GetInt32(), Is.EqualTo(2));
            Assert.That(server.Requests.Single().EncodingFormat, Is.EqualTo(encoding));
        });
    }

    [Test]
    public void VectorFor_IsDeterministicAndUnitLength()
    {
        float[] a = FakeOpenAIServer.VectorFor("hello", 32);
        float[] b = FakeOpenAIServer.VectorFor("hello", 32);

        Assert.Multiple(() =>
        {
            Assert.That(a, Is.EqualTo(b));
            Assert.That(Math.Sqrt(a.Sum(x => (double)x * x)), Is.EqualTo(1).Within(1e-5));
            Assert.That(FakeOpenAIServer.VectorFor("other", 32), Is.Not.EqualTo(a));
        });
    }
}
