using System.Text.Json.Serialization;

namespace EmbedClassify.FineTuning;

/// <summary>Source-generated JSON for the saved model's description (trimming- and AOT-safe).</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(FineTunedModelDescription))]
internal sealed partial class FineTuningJsonContext : JsonSerializerContext;
