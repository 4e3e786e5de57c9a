using TagImmutability.Registries;

namespace TagImmutability.Benchmarks.Shared;

/// <summary>
/// A repository's snapshot, saved so that a benchmark that writes can put the repository back exactly as it was (tags,
/// images, policy, history): the registry's state is persistent, so this is one reference.
/// </summary>
internal readonly struct RepositoryCheckpoint
{
    private readonly RepositoryCell _cell;
    private readonly RepositoryState _state;

    public RepositoryCheckpoint(TagRegistry registry)
    {
        _cell = registry.Cell;
        _state = _cell.State;
    }

    /// <summary>Publishes the saved snapshot again, under the repository's lock as a write would.</summary>
    public void Restore()
    {
        lock (_cell.Gate)
        {
            _cell.State = _state;
        }
    }
}
