namespace TagImmutability.Internal;

internal static class GrammarProfiles
{
    public static void ThrowIfUndefined(GrammarProfile profile)
    {
        if (profile is not (GrammarProfile.Oci or GrammarProfile.Ecr))
        {
            throw new ArgumentOutOfRangeException(nameof(profile), profile, "profile must be GrammarProfile.Oci or GrammarProfile.Ecr");
        }
    }
}
