using Microsoft.Extensions.Options;

namespace EmbedClassify;

/// <summary>
/// Checks <see cref="EmbedClassifyOptions"/> at start-up and names each bad setting by its configuration path.
/// </summary>
/// <param name="sectionPath">The configuration path the options were bound from, used as the prefix of each message.</param>
internal sealed class EmbedClassifyOptionsValidator(string sectionPath) : IValidateOptions<EmbedClassifyOptions>
{
    public ValidateOptionsResult Validate(string? name, EmbedClassifyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (!Enum.IsDefined(options.Strategy))
        {
            failures.Add($"{sectionPath}:Strategy is {(int)options.Strategy}; it must be one of {string.Join(", ", Enum.GetNames<ClassificationStrategy>())}.");
        }

        if (!Enum.IsDefined(options.Initialization))
        {
            failures.Add($"{sectionPath}:Initialization is {(int)options.Initialization}; it must be one of {string.Join(", ", Enum.GetNames<KMeansInitialization>())}.");
        }

        AtLeastOne(failures, "Neighbors", options.Neighbors);
        AtLeastOne(failures, "MaxIterations", options.MaxIterations);
        if (options.Clusters is { } clusters)
        {
            AtLeastOne(failures, "Clusters", clusters);
        }

        if (options.NoneLabel is { } noneLabel && string.IsNullOrWhiteSpace(noneLabel))
        {
            failures.Add($"{sectionPath}:NoneLabel is blank; leave it out for no none-of-these label, or give the label.");
        }

        AtLeastOne(failures, "Cache:BatchSize", options.Cache.BatchSize);
        AtLeastOne(failures, "Cache:MaxConcurrency", options.Cache.MaxConcurrency);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private void AtLeastOne(List<string> failures, string key, int value)
    {
        if (value < 1)
        {
            failures.Add($"{sectionPath}:{key} is {value}; it must be at least 1.");
        }
    }
}
