namespace EmbedClassify;

/// <summary>A model file read and verified in full: the classifier's state, its identity, and what else the file held.</summary>
internal sealed record ModelContents(ModelState State, ModelIdentity Identity, DateTime CreatedUtc, string[]? ExampleTexts);
