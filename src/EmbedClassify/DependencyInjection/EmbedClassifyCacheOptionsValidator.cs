using Microsoft.Extensions.Options;

namespace EmbedClassify;

/// <summary>Checks the "Cache" settings bound by <c>AddEmbedClassify</c>, naming each bad one by its configuration path.</summary>
internal sealed class EmbedClassifyCacheOptionsValidator(string sectionPath) : IValidateOptions<EmbedClassifyCacheOptions>
{
    public ValidateOptionsResult Validate(string? name, EmbedClassifyCacheOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        AtLeastOne(failures, "BatchSize", options.BatchSize);
        AtLeastOne(failures, "MaxConcurrency", options.MaxConcurrency);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private void AtLeastOne(List<string> failures, string key, int value)
    {
        if (value < 1)
        {
            failures.Add($"{sectionPath}:Cache:{key} is {value}; it must be at least 1.");
        }
    }
}
