namespace EmbedClassify;

/// <summary>
/// Represents the settings of a <see cref="FewShotEvaluator"/> run.
/// </summary>
/// <remarks>Instances are not thread-safe while being modified.</remarks>
public sealed class FewShotEvaluationOptions
{
    private int _repetitions = 20;

    /// <summary>Gets or sets how many random draws are made per number of examples. The default is 20.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int Repetitions
    {
        get => _repetitions;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _repetitions = value;
        }
    }

    /// <summary>
    /// Gets or sets the seed of the draws. The same seed gives the same draws, so different methods evaluated with one
    /// seed are compared on exactly the same training sets. The default is 0.
    /// </summary>
    public int Seed { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether the test texts are also given to the method as unlabelled data (their labels
    /// are never shown), as when a batch is classified at once. Only methods that use unlabelled data are affected.
    /// The default is <see langword="false"/>.
    /// </summary>
    public bool TestAsUnlabeled { get; set; }

    /// <summary>Creates a copy of these options.</summary>
    /// <returns>A new instance with the same values.</returns>
    public FewShotEvaluationOptions Clone() => (FewShotEvaluationOptions)MemberwiseClone();
}
