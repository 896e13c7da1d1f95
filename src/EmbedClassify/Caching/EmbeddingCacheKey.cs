using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.AI;

namespace EmbedClassify;

/// <summary>
/// Builds cache keys: 16 hex digits identifying provider, model and dimension count, then the 64 hex digits of the
/// SHA-256 of the text.
/// </summary>
internal static class EmbeddingCacheKey
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Computes the key prefix shared by every text embedded by one model at one dimension count.
    /// </summary>
    internal static string GetNamespace(string? modelIdentity, EmbeddingGeneratorMetadata? metadata, string fallbackProvider, string? modelId, int? dimensions)
    {
        string provider = modelIdentity is not null
            ? "identity\n" + modelIdentity
            : "provider\n" + (metadata?.ProviderName ?? fallbackProvider) + "\n" + StripSecrets(metadata?.ProviderUri);
        string model = modelId ?? (modelIdentity is null ? metadata?.DefaultModelId : null) ?? string.Empty;
        string identity = string.Create(
            CultureInfo.InvariantCulture,
            $"embedclassify-cache-v{EmbeddingCachePayload.Version}\n{provider}\n{model}\n{dimensions}");

        // Eight bytes keep keys short; a collision needs ~2^32 distinct models, and the checksum covers the whole key anyway.
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(identity), digest);
        return Convert.ToHexStringLower(digest[..8]);
    }

    /// <summary>
    /// Computes the key of one text under a namespace from <see cref="GetNamespace"/>.
    /// </summary>
    internal static string Get(string keyNamespace, string text)
    {
        byte[] bytes;
        try
        {
            bytes = StrictUtf8.GetBytes(text);
        }
        catch (EncoderFallbackException)
        {
            // A lone surrogate has no UTF-8 form; replacing it would let two different texts share a key, so such texts are
            // hashed as UTF-16 code units behind a marker byte that valid UTF-8 never starts with.
            // Encoding.Unicode would replace the surrogate too, so the code units are copied as they are.
            bytes = new byte[1 + (text.Length * sizeof(char))];
            bytes[0] = 0xFF;
            for (int i = 0; i < text.Length; i++)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(1 + (i * sizeof(char))), text[i]);
            }
        }

        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(bytes, digest);
        return string.Concat(keyNamespace, Convert.ToHexStringLower(digest));
    }

    /// <summary>
    /// Returns scheme, host, port and path of a provider URI: user info, query and fragment are where credentials
    /// travel (<c>https://key@host</c>, <c>?api-key=</c>), and none of them identifies the model.
    /// </summary>
    internal static string StripSecrets(Uri? uri)
    {
        if (uri is null)
        {
            return string.Empty;
        }

        if (uri.IsAbsoluteUri)
        {
            return uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);
        }

        string text = uri.OriginalString;
        int end = text.IndexOfAny(['?', '#']);
        text = end < 0 ? text : text[..end];
        int at = text.LastIndexOf('@');
        return at < 0 ? text : text[(at + 1)..];
    }
}
