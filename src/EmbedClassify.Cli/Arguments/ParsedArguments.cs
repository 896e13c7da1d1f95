using System.Globalization;

namespace EmbedClassify.Cli.Arguments;

/// <summary>
/// The arguments of one command: positionals, options with a value and flags. Parsed by hand because the tool has four
/// commands with a handful of options each, and this keeps every usage error a single line we word ourselves.
/// </summary>
internal sealed class ParsedArguments
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);
    private readonly List<string> _positionals = [];
    private readonly string _command;

    private ParsedArguments(string command) => _command = command;

    public IReadOnlyList<string> Positionals => _positionals;

    public bool Help => _flags.Contains("--help");

    /// <summary>Splits <paramref name="args"/> given the options that take a value and the flags the command knows.</summary>
    public static ParsedArguments Parse(string command, IReadOnlyList<string> args, IReadOnlyCollection<string> valueOptions, IReadOnlyCollection<string> flags)
    {
        var parsed = new ParsedArguments(command);
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg is "-h" or "--help" or "-?")
            {
                parsed._flags.Add("--help");
                continue;
            }

            // A lone "-" means standard input, so it is a positional, not an option.
            if (arg.Length < 2 || arg[0] != '-')
            {
                parsed._positionals.Add(arg);
                continue;
            }

            string name = arg;
            string? inlineValue = null;
            int equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (arg.StartsWith("--", StringComparison.Ordinal) && equals > 0)
            {
                name = arg[..equals];
                inlineValue = arg[(equals + 1)..];
            }

            if (valueOptions.Contains(name))
            {
                string value = inlineValue ?? (i + 1 < args.Count ? args[++i] : throw new UsageException($"{command}: {name} needs a value."));
                parsed._values[name] = value;
            }
            else if (flags.Contains(name) && inlineValue is null)
            {
                parsed._flags.Add(name);
            }
            else
            {
                throw new UsageException($"{command}: unknown option '{arg}'. Run 'embedclassify {command} --help'.");
            }
        }

        return parsed;
    }

    public bool Flag(string name) => _flags.Contains(name);

    public string? Value(string name) => _values.GetValueOrDefault(name);

    public int Int(string name, int defaultValue, int minimum)
    {
        if (Value(name) is not { } text)
        {
            return defaultValue;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < minimum)
        {
            throw new UsageException($"{_command}: {name} must be an integer of at least {minimum}, not '{text}'.");
        }

        return value;
    }

    public int[] IntList(string name, int[] defaultValue, int minimum)
    {
        if (Value(name) is not { } text)
        {
            return defaultValue;
        }

        string[] parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var values = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out values[i]) || values[i] < minimum)
            {
                throw new UsageException($"{_command}: {name} must be a comma-separated list of integers of at least {minimum}, not '{text}'.");
            }
        }

        return values.Length > 0 ? values : throw new UsageException($"{_command}: {name} must list at least one number.");
    }

    /// <summary>The positionals, checked against how many the command accepts.</summary>
    public string? Positional(int index, int maximum, string usage)
    {
        if (_positionals.Count > maximum)
        {
            throw new UsageException($"{_command}: unexpected argument '{_positionals[maximum]}'. Usage: {usage}");
        }

        return index < _positionals.Count ? _positionals[index] : null;
    }

    public string RequiredPositional(int index, int maximum, string usage, string what) =>
        Positional(index, maximum, usage) ?? throw new UsageException($"{_command}: missing {what}. Usage: {usage}");
}
