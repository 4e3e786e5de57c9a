namespace TagImmutability;

/// <summary>The service limits a registry enforces with <see cref="LimitExceededException"/> (ECR service quotas).</summary>
public enum RegistryLimit
{
    /// <summary>Tags per image: 1,000 in ECR (a hard limit; decision Q12).</summary>
    TagsPerImage = 0,

    /// <summary>Images per repository: 100,000 by default in ECR (adjustable).</summary>
    ImagesPerRepository = 1,
}
