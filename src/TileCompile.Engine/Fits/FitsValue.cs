using System.Globalization;

namespace TileCompile.Engine.Fits;

/// <summary>The type of a header card's value.</summary>
public enum FitsValueKind
{
    /// <summary>The card has a value indicator but no value (an undefined value).</summary>
    Undefined,
    /// <summary>A character string.</summary>
    String,
    /// <summary>A logical value, T or F.</summary>
    Logical,
    /// <summary>An integer.</summary>
    Integer,
    /// <summary>A floating-point number.</summary>
    Real,
    /// <summary>A complex number written as (real, imaginary).</summary>
    Complex,
}

/// <summary>A typed header value.</summary>
public readonly record struct FitsValue
{
    private FitsValue(FitsValueKind kind, string? text, bool logical, long integer, double real, double imaginary)
    {
        Kind = kind;
        Text = text;
        Logical = logical;
        Integer = integer;
        Real = real;
        Imaginary = imaginary;
    }

    /// <summary>The value's type.</summary>
    public FitsValueKind Kind { get; }
    /// <summary>The string value (for <see cref="FitsValueKind.String"/>).</summary>
    public string? Text { get; }
    /// <summary>The logical value.</summary>
    public bool Logical { get; }
    /// <summary>The integer value.</summary>
    public long Integer { get; }
    /// <summary>The real value, or the real part of a complex value.</summary>
    public double Real { get; }
    /// <summary>The imaginary part of a complex value.</summary>
    public double Imaginary { get; }

    /// <summary>An undefined value.</summary>
    public static FitsValue Undefined => new(FitsValueKind.Undefined, null, false, 0, 0, 0);
    /// <summary>A string value.</summary>
    public static FitsValue FromString(string text) => new(FitsValueKind.String, text, false, 0, 0, 0);
    /// <summary>A logical value.</summary>
    public static FitsValue FromLogical(bool value) => new(FitsValueKind.Logical, null, value, 0, 0, 0);
    /// <summary>An integer value.</summary>
    public static FitsValue FromInteger(long value) => new(FitsValueKind.Integer, null, false, value, value, 0);
    /// <summary>A real value; NaN and infinities cannot be written to FITS headers.</summary>
    public static FitsValue FromReal(double value) => new(FitsValueKind.Real, null, false, 0, value, 0);
    /// <summary>A complex value.</summary>
    public static FitsValue FromComplex(double real, double imaginary) => new(FitsValueKind.Complex, null, false, 0, real, imaginary);

    /// <summary>True for integer and real values.</summary>
    public bool IsNumeric => Kind is FitsValueKind.Integer or FitsValueKind.Real;

    /// <summary>The value as a double, for integer and real values.</summary>
    public double AsDouble() => Kind == FitsValueKind.Integer ? Integer : Real;

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        FitsValueKind.String => Text ?? "",
        FitsValueKind.Logical => Logical ? "T" : "F",
        FitsValueKind.Integer => Integer.ToString(CultureInfo.InvariantCulture),
        FitsValueKind.Real => Real.ToString("R", CultureInfo.InvariantCulture),
        FitsValueKind.Complex => string.Create(CultureInfo.InvariantCulture, $"({Real:R}, {Imaginary:R})"),
        _ => "",
    };
}
