using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Google.Protobuf;
using Onnx;

namespace EmbedClassify.FineTuning;

/// <summary>
/// Reads a BERT encoder's weights out of its ONNX graph and writes tuned ones back into a copy of it, so that a tuned
/// model runs on ONNX Runtime exactly like the original (same operators, same inputs and outputs).
/// </summary>
/// <remarks>
/// Embedding, bias and LayerNorm tensors carry their Hugging Face names in the exported graph; the six weight matrices
/// of each layer do not (the exporter names them by number), so each is found as the constant second input of the
/// MatMul whose output the named bias is added to.
/// </remarks>
internal sealed class OnnxBertGraph
{
    private readonly ModelProto _model;
    private readonly Dictionary<string, TensorProto> _tensors;

    private OnnxBertGraph(ModelProto model, Dictionary<string, TensorProto> tensors, BertConfiguration configuration)
    {
        _model = model;
        _tensors = tensors;
        Configuration = configuration;
    }

    /// <summary>Gets the encoder's shape, read from the graph's tensors.</summary>
    public BertConfiguration Configuration { get; }

    /// <summary>Parses a float32 BERT graph.</summary>
    /// <param name="model">The ONNX model's bytes.</param>
    /// <returns>The graph, ready to read weights from and write weights into.</returns>
    /// <exception cref="InvalidDataException">The bytes are not an ONNX model, or not a float32 BERT encoder of the expected layout.</exception>
    public static OnnxBertGraph Parse(byte[] model)
    {
        ArgumentNullException.ThrowIfNull(model);
        ModelProto proto;
        try
        {
            proto = ModelProto.Parser.ParseFrom(model);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException("The model is not a valid ONNX file.", e);
        }

        GraphProto graph = proto.Graph ?? throw new InvalidDataException("The ONNX model has no graph.");
        var initializers = new Dictionary<string, TensorProto>(StringComparer.Ordinal);
        foreach (TensorProto tensor in graph.Initializer)
        {
            initializers[tensor.Name] = tensor;
        }

        var tensors = new Dictionary<string, TensorProto>(StringComparer.Ordinal);
        foreach ((string name, TensorProto tensor) in initializers)
        {
            if (name.StartsWith("embeddings.", StringComparison.Ordinal) || name.StartsWith("encoder.layer.", StringComparison.Ordinal))
            {
                tensors[name] = tensor;
            }
        }

        // Named bias + MatMul output → the MatMul's constant weight is "<same prefix>.weight".
        var producers = new Dictionary<string, NodeProto>(StringComparer.Ordinal);
        foreach (NodeProto node in graph.Node)
        {
            foreach (string output in node.Output)
            {
                producers[output] = node;
            }
        }

        foreach (NodeProto add in graph.Node)
        {
            if (add.OpType != "Add" || add.Input.Count != 2)
            {
                continue;
            }

            for (int side = 0; side < 2; side++)
            {
                string bias = add.Input[side];
                if (!bias.EndsWith(".bias", StringComparison.Ordinal) || !tensors.ContainsKey(bias)
                    || !producers.TryGetValue(add.Input[1 - side], out NodeProto? matMul) || matMul.OpType != "MatMul"
                    || matMul.Input.Count != 2 || !initializers.TryGetValue(matMul.Input[1], out TensorProto? weight))
                {
                    continue;
                }

                tensors[bias[..^".bias".Length] + ".weight"] = weight;
            }
        }

        BertConfiguration configuration = ReadConfiguration(tensors);
        var parsed = new OnnxBertGraph(proto, tensors, configuration);

        // Every parameter must be present with the right length, or reading would silently leave zeros.
        foreach ((string name, float[] values) in new BertWeights(configuration).Parameters())
        {
            TensorProto tensor = parsed.Find(name);
            long length = tensor.Dims.Aggregate(1L, (product, dimension) => product * dimension);
            if (tensor.DataType != (int)TensorProto.Types.DataType.Float || length != values.Length)
            {
                throw new InvalidDataException($"The ONNX tensor for '{name}' is not float32 of {values.Length} values.");
            }
        }

        return parsed;
    }

    /// <summary>Reads every parameter into new arrays.</summary>
    public BertWeights ReadWeights()
    {
        var weights = new BertWeights(Configuration);
        foreach ((string name, float[] values) in weights.Parameters())
        {
            TensorProto tensor = Find(name);
            if (tensor.RawData.Length == values.Length * sizeof(float))
            {
                MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).CopyTo(values);
            }
            else if (tensor.FloatData.Count == values.Length)
            {
                tensor.FloatData.CopyTo(values, 0);
            }
            else
            {
                throw new InvalidDataException($"The ONNX tensor for '{name}' holds neither raw nor float data of {values.Length} values.");
            }
        }

        return weights;
    }

    /// <summary>Returns the bytes of a copy of the graph whose parameters are <paramref name="weights"/>.</summary>
    /// <param name="weights">Weights of this graph's configuration.</param>
    /// <returns>A new ONNX model; the graph this was parsed from is not changed.</returns>
    public byte[] WriteModel(BertWeights weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (weights.Configuration != Configuration)
        {
            throw new ArgumentException("The weights have another configuration than the graph.", nameof(weights));
        }

        ModelProto copy = _model.Clone();
        var byName = copy.Graph.Initializer.ToDictionary(tensor => tensor.Name, StringComparer.Ordinal);
        foreach ((string name, float[] values) in weights.Parameters())
        {
            TensorProto tensor = byName[Find(name).Name];
            tensor.FloatData.Clear();
            tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan()));
        }

        return copy.ToByteArray();
    }

    /// <summary>
    /// Returns a fingerprint of the weights: SHA-256 over every parameter's float32 bytes in <see cref="BertWeights.Parameters"/>
    /// order, as lowercase hex. Equal weights give equal fingerprints on every machine (little-endian float32 is the
    /// layout ONNX stores too).
    /// </summary>
    public static string Fingerprint(BertWeights weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach ((_, float[] values) in weights.Parameters())
        {
            hash.AppendData(MemoryMarshal.AsBytes(values.AsSpan()));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static BertConfiguration ReadConfiguration(Dictionary<string, TensorProto> tensors)
    {
        TensorProto words = Require(tensors, "embeddings.word_embeddings.weight");
        TensorProto positions = Require(tensors, "embeddings.position_embeddings.weight");
        TensorProto intermediate = Require(tensors, "encoder.layer.0.intermediate.dense.bias");
        if (words.Dims.Count != 2 || positions.Dims.Count != 2 || intermediate.Dims.Count != 1)
        {
            throw new InvalidDataException("The ONNX embedding tables are not of the shape of a BERT encoder.");
        }

        int layers = 0;
        while (tensors.ContainsKey($"encoder.layer.{layers}.output.LayerNorm.bias"))
        {
            layers++;
        }

        int hidden = (int)words.Dims[1];
        BertConfiguration miniLM = BertConfiguration.MiniLML6;

        // The head count is not stored in the weights; MiniLM's 12 heads of 32 is what this package tunes.
        int heads = hidden == miniLM.HiddenSize ? miniLM.HeadCount : throw new InvalidDataException(
            $"The ONNX model's hidden size is {hidden}; fine-tuning supports all-MiniLM-L6-v2's {miniLM.HiddenSize}.");
        return new BertConfiguration((int)words.Dims[0], hidden, heads, (int)intermediate.Dims[0], layers, (int)positions.Dims[0], miniLM.LayerNormEpsilon);
    }

    private static TensorProto Require(Dictionary<string, TensorProto> tensors, string name) =>
        tensors.TryGetValue(name, out TensorProto? tensor)
            ? tensor
            : throw new InvalidDataException($"The ONNX model has no tensor '{name}', so it is not a BERT encoder this package can tune.");

    private TensorProto Find(string name) => Require(_tensors, name);
}
