using System.Text;
using System.Text.Json;

namespace TagImmutability.Tests.Manifests;

/// <summary>Properties of digests over exact bytes and of the canonical writer.</summary>
public sealed class ManifestProperties
{
    private static readonly byte[] Newline = "\n"u8.ToArray();

    [Property(MaxTest = 300)]
    public Property Changing_any_one_byte_of_a_real_manifest_changes_its_digest() =>
        Prop.ForAll(
            (from entry in ManifestGenerators.CorpusEntry
             let length = ManifestCorpus.Read(entry.File).Length
             from position in Gen.Choose(0, length - 1)
             from flip in Gen.Choose(1, 255)
             select (entry.File, entry.Hint, position, (byte)flip)).ToArbitrary(),
            ((string File, string? Hint, int Position, byte Flip) change) =>
            {
                byte[] original = ManifestCorpus.Read(change.File);
                byte[] mutated = (byte[])original.Clone();
                mutated[change.Position] ^= change.Flip;
                ParsedManifest parsedOriginal = ManifestParser.Parse(original, change.Hint);

                // The mutated bytes may or may not still be a manifest; either way the digest is not the original's,
                // and the only failure is a ManifestInvalidException.
                bool parsed = ManifestParser.TryParse(mutated, change.Hint, null, out ParsedManifest? mutatedManifest, out _);
                return Digest.Compute(mutated) != Digest.Compute(original)
                    && (!parsed || mutatedManifest!.Digest != parsedOriginal.Digest);
            });

    [Property(MaxTest = 200)]
    public Property Parsed_digest_equals_Digest_Compute_of_the_same_bytes() =>
        Prop.ForAll(
            (from manifest in ManifestGenerators.Manifest
             from indented in Gen.Elements(false, true)
             select (manifest, indented)).ToArbitrary(),
            ((Manifest Manifest, bool Indented) input) =>
            {
                byte[] bytes = ManifestWriter.Write(input.Manifest).Content.ToArray();
                if (input.Indented)
                {
                    // The same JSON re-serialised by another writer: different bytes, same model.
                    bytes = Reformat(bytes);
                }

                ParsedManifest parsed = ManifestParser.Parse(bytes);
                return parsed.Digest == Digest.Compute(bytes)
                    && parsed.SizeInBytes == bytes.Length
                    && parsed.Manifest == input.Manifest;
            });

    [Property(MaxTest = 300)]
    public Property Canonical_writer_output_parses_back_to_an_equal_model() =>
        Prop.ForAll(
            ManifestGenerators.Manifest.ToArbitrary(),
            manifest =>
            {
                ParsedManifest written = ManifestWriter.Write(manifest);
                ParsedManifest parsed = ManifestParser.Parse(written.Content);
                ParsedManifest rewritten = ManifestWriter.Write(parsed.Manifest);
                return parsed.Manifest.Equals(manifest)
                    && parsed.Manifest.GetHashCode() == manifest.GetHashCode()
                    && parsed.Kind == manifest.Kind
                    && parsed.Digest == written.Digest
                    && rewritten.Content.Span.SequenceEqual(written.Content.Span);
            });

    [Property(MaxTest = 200)]
    public Property A_manifest_with_and_without_a_trailing_newline_has_two_digests() =>
        Prop.ForAll(
            ManifestGenerators.Manifest.ToArbitrary(),
            manifest =>
            {
                byte[] without = ManifestWriter.Write(manifest).Content.ToArray();
                byte[] with = [.. without, .. Newline];
                ParsedManifest a = ManifestParser.Parse(without);
                ParsedManifest b = ManifestParser.Parse(with);
                return a.Digest != b.Digest
                    && a.Digest == Digest.Compute(without)
                    && b.Digest == Digest.Compute(with)
                    && a.Manifest == b.Manifest;
            });

    [Property(MaxTest = 50)]
    public Property A_real_manifest_with_and_without_a_trailing_newline_has_two_digests() =>
        Prop.ForAll(
            ManifestGenerators.CorpusEntry.ToArbitrary(),
            entry =>
            {
                byte[] original = ManifestCorpus.Read(entry.File);
                byte[] other = original[^1] == (byte)'\n' ? original[..^1] : [.. original, .. Newline];
                ParsedManifest a = ManifestParser.Parse(original, entry.Hint);
                ParsedManifest b = ManifestParser.Parse(other, entry.Hint);
                return a.Digest != b.Digest && a.Manifest == b.Manifest && b.Digest == Digest.Compute(other);
            });

    [Property(MaxTest = 500)]
    public Property Corrupted_manifests_fail_only_with_ManifestInvalidException() =>
        Prop.ForAll(
            (from entry in ManifestGenerators.CorpusEntry
             let length = ManifestCorpus.Read(entry.File).Length
             from start in Gen.Choose(0, length - 1)
             from cut in Gen.Choose(0, 8)
             from insert in Gen.ArrayOf(Gen.Elements((byte)'{', (byte)'[', (byte)'"', (byte)'\\', (byte)',', (byte)':', (byte)'0', (byte)'-', (byte)0xC3, (byte)0xFF, (byte)' ')).ScaleSize(size => Math.Min(size, 6))
             select (entry.File, entry.Hint, start, cut, insert)).ToArbitrary(),
            ((string File, string? Hint, int Start, int Cut, byte[] Insert) edit) =>
            {
                byte[] original = ManifestCorpus.Read(edit.File);
                int end = Math.Min(original.Length, edit.Start + edit.Cut);
                byte[] corrupted = [.. original[..edit.Start], .. edit.Insert, .. original[end..]];
                try
                {
                    ManifestParser.Parse(corrupted, edit.Hint);
                }
                catch (ManifestInvalidException exception)
                {
                    // The error is usable: a message, a reason, and the same answer from TryParse.
                    return exception.Message.Length > 0
                        && exception.Reason != ManifestInvalidReason.Unspecified
                        && !ManifestParser.TryParse(corrupted, edit.Hint, null, out _, out ManifestInvalidException? again)
                        && again.Message == exception.Message;
                }

                return ManifestParser.TryParse(corrupted, edit.Hint, null, out _, out _);
            });

    private static byte[] Reformat(byte[] json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            document.WriteTo(writer);
        }

        return stream.ToArray();
    }
}
