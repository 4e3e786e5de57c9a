using System.Reflection;
using System.Runtime.CompilerServices;

namespace TagImmutability.Tests.Architecture;

/// <summary>
/// Rules every public type keeps, checked by reflection so that style cannot drift: values are readonly structs
/// whose equality and order come with operators, classes are sealed or abstract, exceptions have the standard
/// constructors, and nothing internal leaks.
/// </summary>
public sealed class PublicSurfaceRules
{
    private static readonly Type[] PublicTypes = typeof(Digest).Assembly.GetExportedTypes();

    public static TheoryData<string> Structs => [.. PublicTypes.Where(t => t.IsValueType && !t.IsEnum).Select(t => t.FullName!)];

    public static TheoryData<string> Exceptions => [.. PublicTypes.Where(t => typeof(Exception).IsAssignableFrom(t)).Select(t => t.FullName!)];

    [Fact]
    public void Public_types_live_in_the_public_namespaces()
    {
        Assert.NotEmpty(PublicTypes);
        Assert.All(PublicTypes, t => Assert.StartsWith("TagImmutability", t.Namespace, StringComparison.Ordinal));
        Assert.DoesNotContain(PublicTypes, t => t.Namespace!.Contains("Internal", StringComparison.Ordinal));
    }

    [Fact]
    public void Public_classes_are_sealed_or_abstract() =>
        Assert.All(PublicTypes.Where(t => t.IsClass && !t.IsSubclassOf(typeof(Delegate))), t => Assert.True(t.IsSealed || t.IsAbstract, t.FullName));

    [Theory]
    [MemberData(nameof(Structs))]
    public void Structs_are_readonly(string name)
    {
        Type type = PublicTypes.Single(t => t.FullName == name);
        Assert.True(type.IsDefined(typeof(IsReadOnlyAttribute)), $"{name} is not a readonly struct");
    }

    [Theory]
    [MemberData(nameof(Structs))]
    public void Equatable_values_have_equality_operators_and_comparable_ones_have_order_operators(string name)
    {
        Type type = PublicTypes.Single(t => t.FullName == name);
        if (typeof(IEquatable<>).MakeGenericType(type).IsAssignableFrom(type))
        {
            Assert.NotNull(type.GetMethod("op_Equality", [type, type]));
            Assert.NotNull(type.GetMethod("op_Inequality", [type, type]));
            Assert.Equal(type, type.GetMethod(nameof(Equals), [typeof(object)])!.DeclaringType);
            Assert.Equal(type, type.GetMethod(nameof(GetHashCode), Type.EmptyTypes)!.DeclaringType);
        }

        if (typeof(IComparable<>).MakeGenericType(type).IsAssignableFrom(type))
        {
            foreach (string op in new[] { "op_LessThan", "op_LessThanOrEqual", "op_GreaterThan", "op_GreaterThanOrEqual" })
            {
                Assert.NotNull(type.GetMethod(op, [type, type]));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Exceptions))]
    public void Exceptions_have_the_three_standard_constructors(string name)
    {
        Type type = PublicTypes.Single(t => t.FullName == name);
        BindingFlags flags = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance;
        Assert.NotNull(type.GetConstructor(flags, Type.EmptyTypes));
        Assert.NotNull(type.GetConstructor(flags, [typeof(string)]));
        Assert.NotNull(type.GetConstructor(flags, [typeof(string), typeof(Exception)]));
    }

    [Fact]
    public void Grammar_exceptions_are_format_exceptions_with_an_empty_default_shape()
    {
        var error = new InvalidTagException("message");
        Assert.IsAssignableFrom<FormatException>(error);
        Assert.Equal("message", error.Message);
        Assert.Equal(-1, error.Index);
        Assert.Equal(string.Empty, error.Field);
        Assert.Equal(string.Empty, error.Input);
        Assert.Equal(string.Empty, error.Rule);
        var inner = new InvalidOperationException();
        Assert.Same(inner, new InvalidDigestException("m", inner).InnerException);
    }
}
