using Google.Protobuf;
using Onnx;

namespace EmbedClassify.Onnx.Quantizer;

/// <summary>
/// Rewrites a float32 ONNX graph so that every MatMul whose second input is a constant 2-D float
/// weight multiplies in int8: the weight is quantized once here (symmetric, zero point 0, one scale
/// per output column or one for the whole tensor) and the activation is quantized at run time.
/// Everything else (embeddings, LayerNorm, softmax, the attention products of two activations)
/// stays float32.
/// </summary>
internal static class DynamicQuantizer
{
    private const string MicrosoftDomain = "com.microsoft";

    /// <summary>Quantizes <paramref name="model"/> in place and returns how many MatMuls were rewritten.</summary>
    public static int Quantize(ModelProto model, QuantizationScheme scheme)
    {
        GraphProto graph = model.Graph;
        Dictionary<string, TensorProto> initializers = graph.Initializer.ToDictionary(i => i.Name);

        // A weight shared by two MatMuls is quantized once; none is shared in MiniLM, but the rewrite must not
        // depend on that.
        var quantizedWeights = new Dictionary<string, (string Weight, string Scale)>();
        var rewritten = new List<NodeProto>(graph.Node.Count);
        var consumers = graph.Node.SelectMany(n => n.Input.Select(input => (input, n))).ToLookup(p => p.input, p => p.n);
        var graphOutputs = new HashSet<string>(graph.Output.Select(o => o.Name));
        var absorbed = new HashSet<NodeProto>(ReferenceEqualityComparer.Instance);
        int count = 0;
        foreach (NodeProto node in graph.Node)
        {
            if (absorbed.Contains(node))
            {
                continue;
            }

            if (node.OpType != "MatMul" || node.Domain is not ("" or "ai.onnx") || node.Input.Count != 2
                || !initializers.TryGetValue(node.Input[1], out TensorProto? weight)
                || weight.DataType != (int)TensorProto.Types.DataType.Float || weight.Dims.Count != 2
                || !scheme.Includes(weight.Dims[0], weight.Dims[1]))
            {
                rewritten.Add(node);
                continue;
            }

            if (!quantizedWeights.TryGetValue(weight.Name, out (string Weight, string Scale) names))
            {
                names = (weight.Name + "_quantized", weight.Name + "_scale");
                QuantizedWeight quantized = WeightQuantizer.Quantize(
                    ReadFloats(weight), (int)weight.Dims[0], (int)weight.Dims[1], scheme.PerColumn, scheme.MaxLevel);
                graph.Initializer.Add(Int8Tensor(names.Weight, quantized.Values, weight.Dims));
                graph.Initializer.Add(FloatTensor(names.Scale, quantized.Scales, scheme.PerColumn ? [quantized.Scales.Length] : []));
                quantizedWeights.Add(weight.Name, names);
            }

            if (scheme.Form == QuantizationForm.Fused)
            {
                // The bias Add that follows (MatMul then Add of a constant [N] vector, as every linear layer of BERT is
                // exported) becomes the operator's bias input, saving one pass over the output.
                NodeProto? biasAdd = scheme.FuseBias && !graphOutputs.Contains(node.Output[0])
                    ? BiasAddOf(node.Output[0], consumers, initializers, weight.Dims[1])
                    : null;
                if (biasAdd is null)
                {
                    rewritten.Add(Node("DynamicQuantizeMatMul", node.Name + "_quant", MicrosoftDomain,
                        [node.Input[0], names.Weight, names.Scale], [node.Output[0]]));
                }
                else
                {
                    string bias = biasAdd.Input[0] == node.Output[0] ? biasAdd.Input[1] : biasAdd.Input[0];
                    rewritten.Add(Node("DynamicQuantizeMatMul", node.Name + "_quant", MicrosoftDomain,
                        [node.Input[0], names.Weight, names.Scale, "", bias], [biasAdd.Output[0]]));
                    absorbed.Add(biasAdd);
                }
            }
            else
            {
                // The standard-op form: quantize the activation (uint8, asymmetric), integer product, then scale
                // the int32 result back by (activation scale × weight scale).
                string prefix = node.Name + "_quant";
                rewritten.Add(Node("DynamicQuantizeLinear", prefix + "_activation", "",
                    [node.Input[0]], [prefix + "_a", prefix + "_a_scale", prefix + "_a_zero"]));
                rewritten.Add(Node("MatMulInteger", prefix + "_matmul", "",
                    [prefix + "_a", names.Weight, prefix + "_a_zero"], [prefix + "_int32"]));
                NodeProto cast = Node("Cast", prefix + "_cast", "", [prefix + "_int32"], [prefix + "_float"]);
                cast.Attribute.Add(new AttributeProto
                {
                    Name = "to",
                    Type = AttributeProto.Types.AttributeType.Int,
                    I = (long)TensorProto.Types.DataType.Float,
                });
                rewritten.Add(cast);
                rewritten.Add(Node("Mul", prefix + "_scales", "", [prefix + "_a_scale", names.Scale], [prefix + "_scale"]));
                rewritten.Add(Node("Mul", prefix + "_output", "", [prefix + "_float", prefix + "_scale"], [node.Output[0]]));
            }

            count++;
        }

        graph.Node.Clear();
        graph.Node.AddRange(rewritten);

        // Drop the float weights no node reads any more, so the file holds int8 only.
        var used = new HashSet<string>(graph.Node.SelectMany(n => n.Input));
        foreach (TensorProto unused in graph.Initializer.Where(i => !used.Contains(i.Name)).ToList())
        {
            graph.Initializer.Remove(unused);
        }

        if (scheme.Form == QuantizationForm.Fused && !model.OpsetImport.Any(o => o.Domain == MicrosoftDomain))
        {
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = MicrosoftDomain, Version = 1 });
        }

        return count;
    }

    private static NodeProto? BiasAddOf(string output, ILookup<string, NodeProto> consumers, Dictionary<string, TensorProto> initializers, long columns)
    {
        if (consumers[output].ToList() is not [{ OpType: "Add", Domain: "" or "ai.onnx" } add] || add.Input.Count != 2)
        {
            return null;
        }

        string other = add.Input[0] == output ? add.Input[1] : add.Input[0];
        return initializers.TryGetValue(other, out TensorProto? bias)
            && bias.DataType == (int)TensorProto.Types.DataType.Float && bias.Dims.Count == 1 && bias.Dims[0] == columns
            ? add
            : null;
    }

    private static float[] ReadFloats(TensorProto tensor)
    {
        if (tensor.RawData.Length > 0)
        {
            // ONNX raw data is little-endian, like every machine .NET runs on here.
            var values = new float[tensor.RawData.Length / sizeof(float)];
            tensor.RawData.Span.CopyTo(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
            return values;
        }

        return [.. tensor.FloatData];
    }

    private static TensorProto Int8Tensor(string name, sbyte[] values, IEnumerable<long> dims)
    {
        var tensor = new TensorProto
        {
            Name = name,
            DataType = (int)TensorProto.Types.DataType.Int8,
            RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan())),
        };
        tensor.Dims.AddRange(dims);
        return tensor;
    }

    private static TensorProto FloatTensor(string name, float[] values, long[] dims)
    {
        var tensor = new TensorProto
        {
            Name = name,
            DataType = (int)TensorProto.Types.DataType.Float,
            RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan())),
        };
        tensor.Dims.AddRange(dims);
        return tensor;
    }

    private static NodeProto Node(string opType, string name, string domain, string[] inputs, string[] outputs)
    {
        var node = new NodeProto { OpType = opType, Name = name, Domain = domain };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        return node;
    }
}
