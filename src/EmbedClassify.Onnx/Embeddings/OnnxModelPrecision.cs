namespace EmbedClassify.Onnx;

/// <summary>The numeric precision of the built-in model's graph (<see cref="OnnxEmbeddingGenerator.CreateDefault"/>).</summary>
public enum OnnxModelPrecision
{
    /// <summary>The float32 graph as published: the reference vectors.</summary>
    Float32,

    /// <summary>
    /// The int8 graph: the weights of every MatMul quantized to int8 with one scale per output column, activations
    /// quantized as it runs; token embeddings and LayerNorm stay float32. About 1.4–1.5× the throughput of
    /// <see cref="Float32"/> on an AVX2 CPU without VNNI, more where the CPU has int8 dot-product instructions; its vectors
    /// are close to (cosine about 0.99), not equal to, the float32 ones (docs/accuracy.md, "Local model precision").
    /// </summary>
    Int8,
}
