using System.Text.Json.Serialization;

namespace EmbedClassify;

/// <summary>Source-generated serialization of the model header: no reflection, and trimming-safe.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ModelHeader))]
[JsonSerializable(typeof(ClassifierHeader))]
internal sealed partial class ModelJsonContext : JsonSerializerContext
{
}
