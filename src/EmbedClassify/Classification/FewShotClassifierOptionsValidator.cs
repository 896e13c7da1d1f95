using System.Globalization;
using Microsoft.Extensions.Options;

namespace EmbedClassify;

/// <summary>
/// Checks a <see cref="FewShotClassifierOptions"/>: the one place its values are validated, both when a classifier is
/// created and, through dependency injection, when a host starts.
/// </summary>
/// <param name="sectionPath">The configuration path that prefixes each setting's name in messages (for example "EmbedClassify"), or <see langword="null"/> for none.</param>
public sealed class FewShotClassifierOptionsValidator(string? sectionPath = null) : IValidateOptions<FewShotClassifierOptions>
{
    /// <summary>Validates the options.</summary>
    /// <param name="name">The name of the options instance (unused: every instance is checked the same way).</param>
    /// <param name="options">The options to check.</param>
    /// <returns>Success, or a failure that lists every bad setting with its value and what it must be.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    public ValidateOptionsResult Validate(string? name, FewShotClassifierOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<string> failures = Failures(options, sectionPath is null ? string.Empty : sectionPath + ":");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Throws an <see cref="ArgumentException"/> naming <paramref name="parameterName"/> and every bad setting.</summary>
    internal static void ThrowIfInvalid(FewShotClassifierOptions options, string parameterName)
    {
        List<string> failures = Failures(options, string.Empty);
        if (failures.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", failures), parameterName);
        }
    }

    internal static List<string> Failures(FewShotClassifierOptions options, string prefix)
    {
        var failures = new List<string>();
        if (!Enum.IsDefined(options.Strategy))
        {
            failures.Add($"{prefix}Strategy is {(int)options.Strategy}; it must be one of {string.Join(", ", Enum.GetNames<ClassificationStrategy>())}.");
        }

        if (!Enum.IsDefined(options.Initialization))
        {
            failures.Add($"{prefix}Initialization is {(int)options.Initialization}; it must be one of {string.Join(", ", Enum.GetNames<KMeansInitialization>())}.");
        }

        AtLeastOne(failures, prefix, nameof(options.Neighbors), options.Neighbors);
        AtLeastOne(failures, prefix, nameof(options.MaxIterations), options.MaxIterations);
        if (options.Clusters is { } clusters)
        {
            AtLeastOne(failures, prefix, nameof(options.Clusters), clusters);
        }

        if (options.NoneLabel is { } noneLabel && string.IsNullOrWhiteSpace(noneLabel))
        {
            failures.Add($"{prefix}NoneLabel is blank; leave it out for no none-of-these label, or give the label.");
        }

        Weight(failures, prefix, nameof(options.WordWeight), options.WordWeight, FewShotClassifierOptions.MaxViewWeight);
        Weight(failures, prefix, nameof(options.UnlabeledWeight), options.UnlabeledWeight, double.MaxValue);
        Weight(failures, prefix, nameof(options.LabelDescriptionWeight), options.LabelDescriptionWeight, FewShotClassifierOptions.MaxViewWeight);
        if (options.LabelDescriptions is null)
        {
            failures.Add($"{prefix}LabelDescriptions is null; leave it empty for no descriptions.");
        }
        else
        {
            foreach ((string label, string description) in options.LabelDescriptions)
            {
                if (TextContent.IsBlank(description))
                {
                    failures.Add($"{prefix}LabelDescriptions:{label} is {(description is null ? "null" : "blank")}; there is nothing to embed.");
                }
                else if (TextContent.IndexOfLoneSurrogate(description) >= 0)
                {
                    failures.Add($"{prefix}LabelDescriptions:{label} contains an unpaired surrogate, which cannot be embedded or saved faithfully.");
                }

                if (options.NoneLabel is not null && label == options.NoneLabel)
                {
                    failures.Add($"{prefix}LabelDescriptions:{label} describes the none label, which is not a class.");
                }
            }
        }

        return failures;
    }

    private static void AtLeastOne(List<string> failures, string prefix, string key, int value)
    {
        if (value < 1)
        {
            failures.Add($"{prefix}{key} is {value}; it must be at least 1.");
        }
    }

    private static void Weight(List<string> failures, string prefix, string key, double value, double max)
    {
        if (!double.IsFinite(value) || value < 0)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{prefix}{key} is {value}; it must be a finite number of at least 0."));
        }
        else if (value > max)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{prefix}{key} is {value}; it must be at most {max}."));
        }
    }
}
