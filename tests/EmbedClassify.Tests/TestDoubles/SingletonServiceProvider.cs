using Microsoft.Extensions.DependencyInjection;

namespace EmbedClassify.Tests.TestDoubles;

/// <summary>
/// A minimal service provider over a service collection's singletons (instances and factories), enough to exercise
/// registration extensions without the full container package.
/// </summary>
public sealed class SingletonServiceProvider(IServiceCollection services) : IServiceProvider
{
    private readonly Dictionary<ServiceDescriptor, object?> _instances = [];

    public object? GetService(Type serviceType)
    {
        if (serviceType == typeof(IServiceProvider))
        {
            return this;
        }

        ServiceDescriptor? descriptor = services.LastOrDefault(d => d.ServiceType == serviceType && !d.IsKeyedService);
        if (descriptor is null)
        {
            return null;
        }

        if (!_instances.TryGetValue(descriptor, out object? instance))
        {
            instance = descriptor.ImplementationInstance ?? descriptor.ImplementationFactory?.Invoke(this)
                ?? throw new NotSupportedException("Only singleton instances and factories are supported.");
            _instances[descriptor] = instance;
        }

        return instance;
    }
}
