namespace EmbedClassify.FineTuning;

/// <summary>The JSON file beside a saved fine-tuned model's graph.</summary>
internal sealed class FineTunedModelDescription
{
    public string? ModelId { get; set; }

    public string? Fingerprint { get; set; }

    public FineTuningSummary? Summary { get; set; }
}
